import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

const PAGE = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('routes of Vite-style apps (public/, SPA fallback, clean URLs)', () => {
  let server: DevServer;
  let base: string;
  beforeAll(async () => {
    server = await createServer({ root: copyFixture('spa'), server: { port: 0 }, logLevel: 'silent' });
    base = server.url.replace('localhost', '127.0.0.1');
  });
  afterAll(async () => {
    await server.close();
    removeTempProjects();
  });
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(new URL(path, base), { headers, method, redirect: 'manual' });

  it('serves public/ files at the site root, untouched, and still at their own path', async () => {
    const icon = await get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await icon.text()).toContain('<rect');
    expect(await (await get('/icons/a.txt')).text()).toBe('icon\n');
    expect(await (await get('/robots.txt')).text()).toBe('robots from public\n');
  });

  it('keeps dotfiles in public/ secret', async () => {
    const res = await get('/.env');
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('SECRET');
  });

  it('answers a page navigation to a client-side route with the root index.html, injected', async () => {
    const res = await get('/users/42/profile', PAGE);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('spa root');
    expect(body).toMatch(/<script type="module" src="\/__devpush\/client\.js/);
  });

  it('answers a route under a folder with that folder index.html (the nearest one)', async () => {
    expect(await (await get('/docs/some/route', PAGE)).text()).toContain('docs index');
  });

  it('serves /about as about.html (clean URLs)', async () => {
    const body = await (await get('/about', PAGE)).text();
    expect(body).toContain('about page');
  });

  it('never falls back for a missing asset, a request that does not accept HTML, or a POST', async () => {
    expect((await get('/missing.png', PAGE)).status).toBe(404);
    expect((await get('/src/missing.ts', PAGE)).status).toBe(404);
    expect((await get('/users/42')).status).toBe(404);
    expect((await get('/users/42', { accept: 'application/json' })).status).toBe(404);
    expect((await get('/users/42', PAGE, 'POST')).status).toBe(405);
  });

  it('with appType "mpa", a route with no file is a 404 (clean URLs still work)', async () => {
    const mpa = await createServer({
      root: copyFixture('spa'),
      server: { port: 0 },
      appType: 'mpa',
      logLevel: 'silent',
    });
    try {
      const mpaBase = mpa.url.replace('localhost', '127.0.0.1');
      expect((await fetch(new URL('/users/42', mpaBase), { headers: PAGE })).status).toBe(404);
      expect(await (await fetch(new URL('/about', mpaBase), { headers: PAGE })).text()).toContain('about page');
    } finally {
      await mpa.close();
    }
  });

  it('with publicDir false, public/ files are only at their own path', async () => {
    const off = await createServer({
      root: copyFixture('spa'),
      server: { port: 0 },
      publicDir: false,
      logLevel: 'silent',
    });
    try {
      const offBase = off.url.replace('localhost', '127.0.0.1');
      expect((await fetch(new URL('/favicon.svg', offBase))).status).toBe(404);
      expect((await fetch(new URL('/public/favicon.svg', offBase))).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});
