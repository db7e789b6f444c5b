import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { UserConfig } from '../../src/config/types.js';

const resolve = (server: UserConfig['server']) => resolveConfig({ root: os.tmpdir(), configFile: false, server });

describe('server.backend, server.proxy and server.https', () => {
  it('resolves a backend URL, a backend object, and Vite-style rules in the order written', async () => {
    const rewrite = (p: string) => p.replace(/^\/v1/, '');
    const config = await resolve({
      backend: 'http://localhost:8000',
      proxy: {
        '/api': 'http://localhost:3000',
        '/v1': { target: 'http://localhost:3001', changeOrigin: true, rewrite },
        '/ws': { target: 'ws://localhost:3002', ws: true },
      },
    });
    expect(config.server.backend).toEqual({
      prefix: '/',
      target: 'http://localhost:8000',
      ws: true,
      changeOrigin: false,
      secure: true,
      rewrite: null,
    });
    expect(config.server.proxy.map((r) => [r.prefix, r.target, r.ws, r.changeOrigin])).toEqual([
      ['/api', 'http://localhost:3000', false, false],
      ['/v1', 'http://localhost:3001', false, true],
      ['/ws', 'ws://localhost:3002', true, false],
    ]);
    expect(config.server.proxy[1]!.rewrite).toBe(rewrite);
    const withOrigin = await resolve({ backend: { target: 'http://localhost:8000', changeOrigin: true } });
    expect(withOrigin.server.backend?.changeOrigin).toBe(true);
  });

  it('resolves https: off by default, true for a local certificate, files relative to the config', async () => {
    expect((await resolve({})).server.https).toBeNull();
    expect((await resolve({ https: true })).server.https).toEqual({ cert: null, key: null });
    expect((await resolve({ https: { cert: 'c.pem', key: 'k.pem' } })).server.https).toEqual({
      cert: path.join(os.tmpdir(), 'c.pem'),
      key: path.join(os.tmpdir(), 'k.pem'),
    });
  });

  it.each([
    [{ backend: 'localhost:8000' }, '"server.backend" must be the URL of your backend'],
    [{ backend: { target: 'http://x', ws: true } }, '"server.backend" must be'],
    [{ proxy: { api: 'http://x' } }, 'found the prefix "api", which starts with neither "/" nor "^"'],
    [{ proxy: { '/api': { target: 'http://x', wss: true } } }, 'found "/api": an object with the unknown key "wss"'],
    [{ proxy: { '/api': { target: 'nope' } } }, 'found "/api": an object whose "target" is "nope" (a string)'],
    [
      { proxy: { '/api': { target: 'http://x', rewrite: '/x' } } },
      'found "/api": an object whose "rewrite" is no function',
    ],
    [{ https: 'yes' }, '"server.https" must be true, false, or { cert, key }'],
    [{ https: { cert: 'c.pem' } }, '"server.https" must be true, false, or { cert, key }'],
  ])('refuses %j with one line that names the key', async (server, message) => {
    await expect(resolve(server as UserConfig['server'])).rejects.toThrow(message);
  });
});
