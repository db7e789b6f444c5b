import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createServer, type DevServer, type ServerOptions } from '../../src/index.js';
import { rawGet, type RawResponse } from '../helpers/raw.js';

/** Bytes that appear only in files that must never be served: no response may contain them. */
export const PROTECTED = `PROTECTED-${randomUUID()}`;
/** Bytes of an ordinary page, to prove the server still serves a normal client. */
export const PUBLIC = `PUBLIC-${randomUUID()}`;

/**
 * A served folder full of things an attacker wants, next to a sibling folder whose name shares its
 * prefix (`site-secret` beside `site`) and an allowed folder (`shared`), reached through symlinks.
 */
export function hostileProject(): { root: string; parent: string; remove(): void } {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'devpush-security-'));
  const root = path.join(parent, 'site');
  const write = (file: string, contents: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents);
  };
  write(
    path.join(root, 'index.html'),
    `<!doctype html><html><head><title>${PUBLIC}</title></head><body></body></html>`,
  );
  write(path.join(root, 'app.js'), `export const marker = ${JSON.stringify(PUBLIC)};\n`);
  write(path.join(root, 'sub/index.html'), `<p>${PUBLIC}</p>`);
  write(path.join(root, 'docs/readme.txt'), `${PUBLIC}\n`);
  write(
    path.join(root, 'src/main.ts'),
    `import { greet } from './greet';\nconsole.log(greet(${JSON.stringify(PUBLIC)}));\n`,
  );
  write(path.join(root, 'src/greet.ts'), 'export const greet = (name: string): string => `hello ${name}`;\n');
  for (const secret of [
    '.env',
    '.env.local',
    '.git/config',
    '.npmrc',
    '.yarnrc.yml',
    '.hidden/main.ts',
    'certs/server.pem',
    'server.key',
    'id.p12',
    'secret.txt',
    'private/notes.txt',
  ]) {
    write(path.join(root, secret), `${PROTECTED}\n`);
  }
  write(path.join(parent, 'site-secret/secret.html'), `${PROTECTED}\n`);
  write(path.join(parent, 'site-secret/entry.ts'), `console.log(${JSON.stringify(PROTECTED)});\n`);
  write(path.join(parent, 'outside.txt'), `${PROTECTED}\n`);
  write(path.join(parent, 'shared/lib.js'), `export const lib = ${JSON.stringify(PUBLIC)};\n`);
  write(path.join(parent, 'shared/.env'), `${PROTECTED}\n`);
  symlinkSync(path.join(root, '.env'), path.join(root, 'env-link.txt'));
  symlinkSync(path.join(parent, 'site-secret'), path.join(root, 'sibling'));
  symlinkSync(path.join(parent, 'outside.txt'), path.join(root, 'outside-link.txt'));
  symlinkSync('/etc', path.join(root, 'etc-link'));
  symlinkSync(path.join(parent, 'shared'), path.join(root, 'shared'));
  return { root, parent, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** A devpush server on loopback (port chosen by the OS) serving a hostile project. */
export async function startHostile(
  root: string,
  server: NonNullable<ServerOptions['server']> = {},
): Promise<DevServer> {
  return createServer({
    root,
    logLevel: 'silent',
    server: {
      port: 0,
      fs: { allow: [path.join(root, '..', 'shared')], deny: ['secret.txt', 'private'] },
      ...server,
    },
  });
}

/** No protected byte in the whole response, head included. */
export function expectNothingProtected(response: RawResponse): void {
  expect(response.raw.toString('latin1')).not.toContain(PROTECTED);
}

/** A normal client still gets the normal page, with its client tag. */
export async function expectStillServes(port: number): Promise<void> {
  const page = await rawGet(port, '/');
  expect(page.status).toBe(200);
  expect(page.body).toContain(PUBLIC);
  expect(page.body).toContain('/__devpush/client.js');
}
