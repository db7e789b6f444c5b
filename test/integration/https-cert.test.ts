import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, loadTls } from '../../src/server/https.js';
import { runCli } from '../helpers/cli.js';
import { tempProject, removeTempProjects } from '../helpers/fixture.js';

let cache: string;
beforeEach(() => {
  cache = mkdtempSync(path.join(os.tmpdir(), 'devpush-cache-'));
  process.env.DEVPUSH_CACHE_DIR = cache;
});
afterEach(removeTempProjects);

const LOCAL = { cert: null, key: null };

describe('the local certificate', () => {
  it('is made for localhost, 127.0.0.1, ::1 and the exposed names, outside the project, and reused', async () => {
    const first = await loadTls(LOCAL, ['devbox.local']);
    expect(first.generated).toBe(true);
    expect(path.dirname(first.certFile)).toBe(cacheDir());
    const x509 = new X509Certificate(first.cert);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkHost('devbox.local')).toBe('devbox.local');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    const again = await loadTls(LOCAL, ['devbox.local']);
    expect(again).toMatchObject({ generated: false, cert: first.cert, key: first.key });
  });

  it('is made again when it is about to expire, or misses a name now exposed', async () => {
    const first = await loadTls(LOCAL, []);
    expect((await loadTls(LOCAL, ['other.local'])).generated).toBe(true);
    const ending = await generate([{ name: 'commonName', value: 'old' }], {
      keyType: 'ec',
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    writeFileSync(first.certFile, ending.cert);
    writeFileSync(path.join(cache, 'localhost-key.pem'), ending.private);
    expect((await loadTls(LOCAL, [])).generated).toBe(true);
  });
});

describe('given certificate files', () => {
  it('are used as they are when they match', async () => {
    const pems = await generate([{ name: 'commonName', value: 'mine' }], { keyType: 'ec' });
    const dir = tempProject({ 'cert.pem': pems.cert, 'key.pem': pems.private });
    const tls = await loadTls({ cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') }, []);
    expect(tls).toMatchObject({ cert: pems.cert, generated: false, certFile: path.join(dir, 'cert.pem') });
  });

  it('that are missing, not PEM, or do not belong together stop start-up with one line naming the file', async () => {
    const [one, two] = [
      await generate([{ name: 'commonName', value: 'one' }], { keyType: 'ec' }),
      await generate([{ name: 'commonName', value: 'two' }], { keyType: 'ec' }),
    ];
    const dir = tempProject({
      'cert.pem': one.cert,
      'key.pem': one.private,
      'other-key.pem': two.private,
      'junk.pem': 'not a certificate',
    });
    const file = (name: string) => path.join(dir, name);
    await expect(loadTls({ cert: file('missing.pem'), key: file('key.pem') }, [])).rejects.toThrow(
      `server.https.cert: cannot read ${file('missing.pem')} (ENOENT).`,
    );
    await expect(loadTls({ cert: file('junk.pem'), key: file('key.pem') }, [])).rejects.toThrow(
      `server.https.cert: ${file('junk.pem')} holds no PEM certificate.`,
    );
    await expect(loadTls({ cert: file('cert.pem'), key: file('junk.pem') }, [])).rejects.toThrow(
      `server.https.key: ${file('junk.pem')} holds no PEM private key`,
    );
    await expect(loadTls({ cert: file('cert.pem'), key: file('other-key.pem') }, [])).rejects.toThrow(
      `server.https.key: ${file('other-key.pem')} is not the key of the certificate ${file('cert.pem')}.`,
    );
  });

  it('the CLI prints the one line for a key file it cannot read, and exits 1', async () => {
    const pems = await generate([{ name: 'commonName', value: 'mine' }], { keyType: 'ec' });
    const dir = tempProject({
      'cert.pem': pems.cert,
      'devpush.config.json': JSON.stringify({ server: { https: { cert: 'cert.pem', key: 'key.pem' } } }),
    });
    const result = await runCli(['serve', dir, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `server.https.key: cannot read ${path.join(dir, 'key.pem')} (ENOENT). Fix the path in the config.`,
    ]);
  });
});
