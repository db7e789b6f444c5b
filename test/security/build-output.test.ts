import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { rawGet } from '../helpers/raw.js';
import { hostileProject, PUBLIC, startHostile } from './project.js';

// What the build sends to the browser (bundles, source maps, error messages) names no absolute path
// of the machine: a page, or anyone it shows its source to, learns nothing of the user's folders.

let project: ReturnType<typeof hostileProject>;
let server: DevServer;

beforeAll(async () => {
  project = hostileProject();
  // An entry that also imports from outside the root (an allowed folder, through a symlink).
  writeFileSync(
    path.join(project.root, 'src/outside.ts'),
    `import { lib } from '../shared/lib.js';\nimport { greet } from './greet';\nconsole.log(greet(lib));\n`,
  );
  // These are the bundled path's outputs (build.bundle); modules.test.ts covers modules one by one.
  writeFileSync(path.join(project.root, 'devpush.config.json'), '{ "build": { "bundle": true } }');
  server = await startHostile(project.root);
  await server.watching;
});

afterAll(async () => {
  await server?.close();
  project?.remove();
});

/** Every place a machine path could hide: the home folder, the temp folder, the project's parent. */
function expectNoMachinePath(text: string): void {
  for (const machinePath of [project.parent, project.root, os.tmpdir(), os.homedir()]) {
    expect(text).not.toContain(machinePath);
  }
}

interface SourceMap {
  sources: string[];
  sourceRoot?: string;
}

/** The bundle's source map, wherever its trailer says it is (a sibling URL or inline data). */
async function sourceMapOf(entry: string, bundle: string): Promise<SourceMap> {
  const match = /\/\/# sourceMappingURL=(\S+)/.exec(bundle);
  expect(match, 'the bundle names its source map').not.toBeNull();
  const where = match![1]!;
  if (where.startsWith('data:')) return JSON.parse(Buffer.from(where.split(',')[1]!, 'base64').toString('utf8'));
  const response = await rawGet(server.port, new URL(where, `http://x${entry}`).pathname);
  expect(response.status).toBe(200);
  return JSON.parse(response.body);
}

test.each(['/src/main.ts', '/src/outside.ts'])(
  'the bundle of %s and its source map carry only relative paths',
  async (entry) => {
    const response = await rawGet(server.port, entry);
    expect(response.status).toBe(200);
    expect(response.body).toContain(PUBLIC);
    expectNoMachinePath(response.body);
    const map = await sourceMapOf(entry, response.body);
    expect(map.sourceRoot ?? '').toBe('');
    expect(map.sources.length).toBeGreaterThan(0);
    for (const source of map.sources) {
      expect(path.isAbsolute(source)).toBe(false);
      expect(source).not.toMatch(/^file:/);
    }
    expectNoMachinePath(JSON.stringify(map));
  },
);

test('an entry that never built is served as a console line with a relative location, no absolute path', async () => {
  writeFileSync(path.join(project.root, 'src/never.ts'), "import '../../outside-missing';\nlet x: = 1;\n");
  const response = await rawGet(server.port, '/src/never.ts');
  expect(response.status).toBe(200);
  expect(response.body).toMatch(/^console\.error\(/);
  expect(response.body).toContain('src/never.ts:2:');
  expectNoMachinePath(response.body);
});

test('the status page names no absolute path', async () => {
  const response = await rawGet(server.port, '/__devpush/status');
  expect(response.status).toBe(200);
  expectNoMachinePath(response.body);
});

test('a build error reaches the page as text with a relative location, no absolute path', async () => {
  expect((await rawGet(server.port, '/src/main.ts')).status).toBe(200);
  const base = `http://127.0.0.1:${server.port}/`;
  const probe = new WsProbe(WsProbe.url(base, await fetchToken(base)));
  await probe.opened;
  writeFileSync(
    path.join(project.root, 'src/greet.ts'),
    "import './missing-module';\nexport const greet = (: string) => 1;\n",
  );
  const errors = () =>
    probe.messages.filter((message) => message.kind === 'error').map((message) => JSON.stringify(message));
  await expect.poll(() => errors().some((text) => text.includes('src/greet.ts')), { timeout: 20_000 }).toBe(true);
  for (const text of errors()) expectNoMachinePath(text);
  probe.close();
});
