import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { rawGet, sendRaw } from '../helpers/raw.js';
import {
  expectNothingProtected,
  expectStillServes,
  hostileProject,
  PROTECTED,
  PUBLIC,
  startHostile,
} from './project.js';

// Every request here is written by hand and sent over a plain socket, so nothing normalizes the path
// on the way (fetch and http.get would resolve `..` or re-encode). Each case gets its exact status,
// returns no protected byte, and leaves the server serving a normal client.

let project: ReturnType<typeof hostileProject>;
let server: DevServer;

beforeAll(async () => {
  project = hostileProject();
  server = await startHostile(project.root);
});

afterAll(async () => {
  await server?.close();
  project?.remove();
});

/** [request target, status, why it is hostile] */
const TRAVERSAL: [string, number, string][] = [
  ['/../../../../etc/passwd', 400, 'plain dot-dot'],
  ['/sub/../../outside.txt', 400, 'dot-dot after a real folder'],
  ['/%2e%2e/%2e%2e/outside.txt', 400, 'percent-encoded dots'],
  ['/%2E%2E/outside.txt', 400, 'upper-case percent-encoded dots'],
  ['/.%2e/outside.txt', 400, 'half-encoded dots'],
  ['/..%2f..%2f..%2fetc%2fpasswd', 400, 'encoded slashes between dot-dots'],
  ['/sub%2f..%2f..%2foutside.txt', 400, 'encoded slash after a real folder'],
  ['/%252e%252e/%252e%252e/outside.txt', 404, 'double encoding is decoded once: a literal %2e%2e folder'],
  ['/%252e%252e%252foutside.txt', 404, 'double-encoded slash stays a name'],
  ['/%c0%ae%c0%ae/%c0%ae%c0%ae/outside.txt', 400, 'overlong UTF-8 dots'],
  ['/..%c0%af..%c0%afoutside.txt', 400, 'overlong UTF-8 slash'],
  ['/%e0%80%ae%e0%80%ae/outside.txt', 400, 'three-byte overlong dots'],
  ['/..%5c..%5coutside.txt', 400, 'encoded backslashes'],
  ['/%5c%2e%2e%5coutside.txt', 400, 'encoded backslash and dots'],
  ['/index.html%00.txt', 400, 'encoded NUL'],
  ['/%2e%2e%00/outside.txt', 400, 'NUL after dot-dot'],
  ['/sub/%0d%0a..', 400, 'encoded CR LF'],
  ['/%', 400, 'truncated escape'],
  ['/%zz.env', 400, 'bad escape'],
  ['http://localhost/../outside.txt', 400, 'absolute-form target'],
  ['*', 400, 'asterisk-form target'],
  ['//etc/passwd', 404, 'double slash is not a root or a host'],
  ['/%2f%2fetc%2fpasswd', 404, 'encoded double slash'],
  ['/etc-link/passwd', 403, 'symlink to /etc'],
  ['/outside-link.txt', 403, 'symlink to a file outside the root'],
  ['/sibling/secret.html', 403, 'symlink into a sibling folder sharing the root name as prefix'],
  ['/sibling/entry.ts', 403, 'build entry in a sibling folder, through a symlink'],
  ['/sibling/entry.ts.map', 404, 'source map of that entry: never built, so nothing to serve'],
  ['/%2e%2e/site-secret/secret.html', 400, 'encoded dot-dot into the sibling-prefix folder'],
];

const DENIED: [string, number, string][] = [
  ['/.env', 403, 'dotenv'],
  ['/.env.local', 403, 'dotenv variant'],
  ['/.env/.', 403, 'trailing dot segment'],
  ['/.env/', 403, 'trailing slash'],
  ['//.env', 403, 'leading double slash'],
  ['///.env', 403, 'leading triple slash'],
  ['/./.env', 403, 'dot segment in front'],
  ['/.%65nv', 403, 'encoded letter'],
  ['/%2e%65%6e%76', 403, 'fully encoded name'],
  ['/.ENV', 403, 'upper case'],
  ['/.Env.Local', 403, 'mixed case'],
  ['/.env?raw', 403, 'query suffix'],
  ['/.env?import&raw', 403, 'two query suffixes'],
  ['/.env?.js', 403, 'query that looks like an extension'],
  ['/.env%3f.js', 403, 'encoded question mark'],
  ['/.env%23.js', 403, 'encoded hash'],
  ['/.env#.js', 400, 'raw hash in the target'],
  ['/.env.', 403, 'Windows trailing dot'],
  ['/.env%20', 403, 'Windows trailing space'],
  ['/.env::$DATA', 403, 'NTFS alternate stream'],
  ['/.git/config', 403, 'git config'],
  ['/.git%2fconfig', 403, 'git config, encoded slash'],
  ['/.GIT/config', 403, 'git config, upper case'],
  ['/.npmrc', 403, 'npm credentials'],
  ['/.yarnrc.yml', 403, 'yarn credentials'],
  ['/certs/server.pem', 403, 'certificate'],
  ['/certs/SERVER.PEM', 403, 'certificate, upper case'],
  ['/certs/server.pem?url', 403, 'certificate with query'],
  ['/server.key', 403, 'private key'],
  ['/server.key.', 403, 'private key, trailing dot'],
  ['/server%2ekey', 403, 'private key, encoded dot'],
  ['/id.p12', 403, 'PKCS#12 bundle'],
  ['/env-link.txt', 403, 'innocent name, symlink to .env'],
  ['/secret.txt', 403, 'server.fs.deny by name'],
  ['/SECRET.TXT', 403, 'server.fs.deny, other case'],
  ['/private/notes.txt', 403, 'server.fs.deny folder'],
  ['/Private/notes.txt', 403, 'server.fs.deny folder, other case'],
  ['/.hidden/main.ts', 403, 'build entry in a dot folder'],
  ['/.hidden/main.ts.map', 403, 'source map of a build entry in a dot folder'],
  ['/shared/.env', 403, 'dotfile in a server.fs.allow folder'],
];

describe('traversal in every encoding', () => {
  test.each(TRAVERSAL)('GET %s → %i (%s)', async (target, status) => {
    const response = await rawGet(server.port, target);
    expect(response.status).toBe(status);
    expectNothingProtected(response);
    expect(response.body).not.toContain('root:');
    await expectStillServes(server.port);
  });
});

describe('dotfiles, secrets and the deny list', () => {
  test.each(DENIED)('GET %s → %i (%s)', async (target, status) => {
    const response = await rawGet(server.port, target);
    expect(response.status).toBe(status);
    expectNothingProtected(response);
    await expectStillServes(server.port);
  });

  test('HEAD of a secret is refused too, and with no body', async () => {
    const response = await sendRaw(
      server.port,
      `HEAD /.env HTTP/1.1\r\nHost: localhost:${server.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(response.status).toBe(403);
    expectNothingProtected(response);
  });
});

describe('what is served stays what it should be', () => {
  test('a file of a server.fs.allow folder reached through a symlink is served', async () => {
    const response = await rawGet(server.port, '/shared/lib.js');
    expect(response.status).toBe(200);
    expect(response.body).toContain(PUBLIC);
  });

  test('a folder without index.html is not listed', async () => {
    const response = await rawGet(server.port, '/docs/');
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('readme.txt');
  });

  test('the slash redirect stays on the origin, even from a target that starts with //', async () => {
    for (const target of ['//sub', '///sub', '//sub?x=1']) {
      const response = await rawGet(server.port, target);
      expect(response.status).toBe(301);
      expect(response.headers.location).toMatch(/^\/sub\/(\?x=1)?$/);
    }
  });

  test('a folder whose name is not ASCII redirects with an encoded Location', async () => {
    mkdirSync(path.join(project.root, 'café'));
    writeFileSync(path.join(project.root, 'café', 'index.html'), `<p>${PUBLIC}</p>`);
    const response = await rawGet(server.port, '/caf%C3%A9');
    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/caf%C3%A9/');
  });

  test('responses carry nosniff and same-origin resource policy, and no CORS for a plain request', async () => {
    for (const target of ['/', '/app.js', '/.env', '/nope']) {
      const response = await rawGet(server.port, target);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('refusals are one short plain-text line that names no absolute path', async () => {
    for (const target of ['/.env', '/etc-link/passwd', '/%c0%ae', '/missing.txt']) {
      const response = await rawGet(server.port, target);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response.body.trim().split('\n')).toHaveLength(1);
      expect(response.body).not.toContain(project.parent);
      expect(response.body).not.toContain(os.tmpdir());
    }
  });
});

describe('a project file whose name contains CR/LF', () => {
  const name = 'evil\r\nSet-Cookie: pwned=1\r\nX-Injected: 1.html';

  beforeAll(() => {
    writeFileSync(path.join(project.root, name), `<p>${PROTECTED}</p>`);
  });

  test('requested encoded, it is refused: no header is injected and no byte is read', async () => {
    const response = await rawGet(server.port, `/${encodeURIComponent(name)}`);
    expect(response.status).toBe(400);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['x-injected']).toBeUndefined();
    expectNothingProtected(response);
    await expectStillServes(server.port);
  });

  test('requested raw, the request line ends at the CR LF: a request for /evil, which does not exist', async () => {
    const response = await rawGet(server.port, `/${name}`);
    expect(response.status).toBe(404);
    expect(response.headers['set-cookie']).toBeUndefined();
    expectNothingProtected(response);
    await expectStillServes(server.port);
  });
});
