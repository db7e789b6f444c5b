import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { routePath } from '../../src/protocol.js';
import { rawGet } from '../helpers/raw.js';
import { expectNothingProtected, expectStillServes, hostileProject, PUBLIC, startHostile } from './project.js';

// The module routes (source modules, `?import`, pre-bundled packages, the hot runtime) read files too:
// the same Host/Origin guard, path parsing, containment and deny list as every other route.

let project: ReturnType<typeof hostileProject>;
let server: DevServer;

beforeAll(async () => {
  project = hostileProject();
  // A module that tries to pull secrets in through its imports.
  writeFileSync(
    path.join(project.root, 'src/leak.ts'),
    [
      "import env from '/.env';",
      "import key from '../server.key';",
      "import outside from '../../site-secret/secret.html';",
      "import sibling from '../sibling/entry.ts';",
      'console.log(env, key, outside, sibling);',
    ].join('\n'),
  );
  server = await startHostile(project.root);
});

afterAll(async () => {
  await server?.close();
  project?.remove();
});

const REFUSED: [string, number, string][] = [
  ['/.hidden/main.ts', 403, 'a module in a dot-folder'],
  ['/.env?import', 403, 'a dotfile asked for as a module'],
  ['/.env?import&v=0', 403, 'a dotfile at a made-up version'],
  ['/server.key?import', 403, 'a key file as a module'],
  ['/secret.txt?import', 403, 'a file on server.fs.deny'],
  ['/private/notes.txt?import', 403, 'a file in a denied folder'],
  ['/sibling/entry.ts', 403, 'a module outside the root through a symlink'],
  ['/env-link.txt?import', 403, 'a symlink to .env'],
  ['/src/%2e%2e/.env?import', 400, 'encoded dot-dot'],
  ['/__devpush/deps/../../package.json', 400, 'dot-dot out of the packages folder'],
  ['/__devpush/deps/%2e%2e/%2e%2e/.env', 400, 'encoded dot-dot out of the packages folder'],
  ['/__devpush/deps/.env', 404, 'a name the packages bundle does not hold'],
  ['/__devpush/hot.js/../../.env', 400, 'dot-dot after the hot runtime'],
];

describe('module routes refuse what no page may read', () => {
  test.each(REFUSED)('%s → %i (%s)', async (target, status) => {
    const response = await rawGet(server.port, target);
    expect(response.status).toBe(status);
    expectNothingProtected(response);
    await expectStillServes(server.port);
  });

  test('a module importing secrets gets their URLs, never their bytes, and they stay refused', async () => {
    const response = await rawGet(server.port, '/src/leak.ts');
    expect(response.status).toBe(200);
    expectNothingProtected(response);
    for (const url of ['/.env?import', '/server.key?import']) {
      const refused = await rawGet(server.port, url);
      expect(refused.status).toBe(403);
      expectNothingProtected(refused);
    }
  });

  test('a module and its inline source map name no path of the machine', async () => {
    const response = await rawGet(server.port, '/src/main.ts');
    const map = /sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/.exec(response.body)?.[1] ?? '';
    const text = response.body + Buffer.from(map, 'base64').toString('utf8');
    expect(map).not.toBe('');
    for (const machinePath of [project.parent, project.root, os.tmpdir(), os.homedir()])
      expect(text).not.toContain(machinePath);
  });

  test('a module of the root is served, and refused to a foreign Host (DNS rebinding)', async () => {
    const ok = await rawGet(server.port, '/src/main.ts');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain(PUBLIC);
    const rebound = await rawGet(server.port, '/src/main.ts', { Host: 'evil.example' });
    expect(rebound.status).toBe(403);
    const hot = await rawGet(server.port, '/__devpush/hot.js', { Host: 'evil.example' });
    expect(hot.status).toBe(403);
  });
});

describe('module routes give CORS to allowed origins only (snippet pages of another server)', () => {
  // What a snippet page's module graph asks for: its entry, a module it imports, the hot runtime,
  // import.meta.env and a pre-bundled package (a name the bundle does not hold still answers, with CORS).
  const MODULE_URLS = [
    '/src/main.ts',
    '/src/greet.ts?import',
    '/app.js?import',
    routePath('hot'),
    routePath('env'),
    `${routePath('deps')}missing.js`,
  ];
  const ALLOWED = { Origin: 'http://localhost:8000', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'same-site' };

  test.each(MODULE_URLS)('%s names an allowed origin exactly, never *', async (target) => {
    const response = await rawGet(server.port, target, ALLOWED);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED.Origin);
    expect(response.headers.vary).toBe('Origin');
  });

  test.each(MODULE_URLS)('%s is refused to a foreign origin, with no CORS and a same-origin CORP', async (target) => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:8000', 'null']) {
      const response = await rawGet(server.port, target, { Origin: origin, 'Sec-Fetch-Mode': 'cors' });
      expect(response.status).toBe(403);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  test.each(MODULE_URLS)(
    '%s embedded by a cross-site page (no-cors) is refused with a same-origin CORP',
    async (target) => {
      const response = await rawGet(server.port, target, {
        'Sec-Fetch-Site': 'cross-site',
        'Sec-Fetch-Mode': 'no-cors',
      });
      expect(response.status).toBe(403);
      expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    },
  );

  test.each(MODULE_URLS)('%s gets no CORS header on a same-origin request', async (target) => {
    const response = await rawGet(server.port, target);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.raw.toString('latin1')).not.toMatch(/access-control-allow-origin:\s*\*/i);
  });

  test('a project file the module route lets through stays unreadable cross-origin, even to an allowed origin', async () => {
    for (const target of ['/docs/readme.txt', '/app.js']) {
      const response = await rawGet(server.port, target, ALLOWED);
      expect(response.status).toBe(200);
      expect(response.body).toContain(PUBLIC);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
