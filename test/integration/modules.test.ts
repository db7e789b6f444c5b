// Modules served one by one, through the whole server on real files: imports rewritten to versioned URLs,
// packages pre-bundled (a CommonJS one with named exports), cache headers, updates over the channel.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UpdateMessage } from '../../src/protocol.js';
import { createServer, type DevServer } from '../../src/index.js';
import { saveFile } from '../helpers/build.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

const WAIT = { timeout: 15_000, interval: 20 };
const servers: DevServer[] = [];
const probes: WsProbe[] = [];

afterEach(async () => {
  for (const probe of probes.splice(0)) probe.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  removeTempProjects();
});

const PROJECT: Record<string, string> = {
  'index.html': '<!doctype html><script type="module" src="/src/main.ts"></script>',
  'src/main.ts': [
    "import { a } from './a.js';",
    "export * from './b';",
    "import cjs, { named } from 'cjs-pkg';",
    "import { esm } from 'esm-pkg';",
    "import data from './data.json';",
    "export const lazy = () => import('./lazy.ts');",
    'export const here: string = import.meta.url;',
    'export const all = [a, cjs, named, esm, data];',
  ].join('\n'),
  'src/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
  'src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  'src/lazy.ts': 'export const lazy = 1;\n',
  'src/data.json': '{ "n": 1 }',
  'node_modules/cjs-pkg/package.json': '{ "name": "cjs-pkg", "main": "index.js" }',
  'node_modules/cjs-pkg/index.js': "module.exports = require('./impl.js');\n",
  'node_modules/cjs-pkg/impl.js': 'exports.named = 1;\nexports.other = 2;\n',
  'node_modules/esm-pkg/package.json': '{ "name": "esm-pkg", "type": "module", "exports": "./index.js" }',
  'node_modules/esm-pkg/index.js': 'export const esm = 1;\nexport default 2;\n',
};

async function serve(root: string): Promise<DevServer> {
  const server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
  servers.push(server);
  await server.watching;
  return server;
}

const get = (server: DevServer, path: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, server.url), { headers });

/** The versioned URL `code` imports `prefix` from (`/src/a.ts?v=…`). */
function importOf(code: string, prefix: string): string {
  const match = new RegExp(`["'](${prefix.replace(/[/.]/g, '\\$&')}\\?[^"']*)["']`).exec(code);
  if (!match?.[1]) throw new Error(`no import of ${prefix} in:\n${code}`);
  return match[1];
}

describe('modules served one by one', () => {
  it('rewrites relative, dynamic, re-export and package imports; leaves import.meta.url alone', async () => {
    const server = await serve(tempProject(PROJECT));
    const response = await get(server, '/src/main.ts');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const code = await response.text();
    expect(importOf(code, '/src/a.ts')).toMatch(/^\/src\/a\.ts\?v=[0-9a-f]{12}$/);
    expect(importOf(code, '/src/b.ts')).toMatch(/^\/src\/b\.ts\?v=[0-9a-f]{12}$/);
    expect(importOf(code, '/src/lazy.ts')).toMatch(/^\/src\/lazy\.ts\?v=/);
    expect(importOf(code, '/src/data.json')).toMatch(/^\/src\/data\.json\?import&v=/);
    expect(code).toContain('import.meta.url');
    expect(code).toContain('import.meta.hot = __devpush_hot(import.meta.url, ');

    const data = await (await get(server, importOf(code, '/src/data.json'))).text();
    expect(data).toContain('export default {"n":1}');

    const cjsUrl = importOf(code, '/__devpush/deps/cjs-pkg.js');
    const cjs = await get(server, cjsUrl);
    expect(cjs.headers.get('cache-control')).toContain('immutable');
    // Named exports of a CommonJS package, read by cjs-module-lexer through its re-export.
    expect(await cjs.text()).toMatch(/export\s*\{[^}]*\bnamed\b[^}]*\}/);
    expect((await get(server, importOf(code, '/__devpush/deps/esm-pkg.js'))).status).toBe(200);
  });

  it('serves a cycle with each member naming the other at its version', async () => {
    const server = await serve(tempProject(PROJECT));
    const main = await (await get(server, '/src/main.ts')).text();
    const aUrl = importOf(main, '/src/a.ts');
    const a = await get(server, aUrl);
    expect(a.headers.get('cache-control')).toBe('max-age=31536000, immutable');
    const bUrl = importOf(await a.text(), '/src/b.ts');
    expect(bUrl).toBe(importOf(main, '/src/b.ts'));
    expect(importOf(await (await get(server, bUrl)).text(), '/src/a.ts')).toBe(aUrl);
  });

  it('answers an unversioned module with its ETag and a 304 when unchanged', async () => {
    const server = await serve(tempProject(PROJECT));
    const first = await get(server, '/src/lazy.ts');
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"[0-9a-f]{12}"$/);
    expect((await get(server, '/src/lazy.ts', { 'If-None-Match': etag })).status).toBe(304);
  });

  it('keeps versioned URLs and their bytes across a restart', async () => {
    const root = tempProject(PROJECT);
    const first = await serve(root);
    const main = await (await get(first, '/src/main.ts')).text();
    const aUrl = importOf(main, '/src/a.ts');
    const bytes = await (await get(first, aUrl)).text();
    await first.close();
    const second = await serve(root);
    expect(importOf(await (await get(second, '/src/main.ts')).text(), '/src/a.ts')).toBe(aUrl);
    expect(await (await get(second, aUrl)).text()).toBe(bytes);
  });

  it('sends one update naming the changed module and the new versions of its importers', async () => {
    const root = tempProject(PROJECT);
    const server = await serve(root);
    const before = await (await get(server, '/src/main.ts')).text();
    const probe = new WsProbe(WsProbe.url(server.url, await fetchToken(server.url)));
    probes.push(probe);
    await vi.waitFor(() => expect(probe.kinds()).toContain('hello'), WAIT);
    saveFile(root, 'src/lazy.ts', 'export const lazy = 2;\n');
    await vi.waitFor(() => expect(probe.kinds()).toContain('update'), WAIT);
    const update = probe.messages.find((m) => m.kind === 'update') as UpdateMessage;
    expect(update.changed).toEqual(['/src/lazy.ts']);
    expect(update.modules.map((m) => m.path).sort()).toEqual(['/src/lazy.ts', '/src/main.ts']);
    const lazy = update.modules.find((m) => m.path === '/src/lazy.ts');
    expect(importOf(before, '/src/lazy.ts')).not.toBe(`/src/lazy.ts?v=${lazy?.version}`);
    const after = await (await get(server, '/src/main.ts')).text();
    expect(importOf(after, '/src/lazy.ts')).toBe(`/src/lazy.ts?v=${lazy?.version}`);
    expect(probe.kinds().filter((kind) => kind === 'reload')).toEqual([]);
  });

  it('updates several modules saved together (transformed at once), each named with its newest version', async () => {
    const root = tempProject(PROJECT);
    const server = await serve(root);
    await get(server, '/src/main.ts');
    const probe = new WsProbe(WsProbe.url(server.url, await fetchToken(server.url)));
    probes.push(probe);
    await vi.waitFor(() => expect(probe.kinds()).toContain('hello'), WAIT);
    saveFile(root, 'src/a.ts', "import { b } from './b.ts';\nexport const a = () => b;\nexport const a2 = 2;\n");
    saveFile(root, 'src/b.ts', "import { a } from './a.js';\nexport const b = () => a;\nexport const b2 = 2;\n");
    saveFile(root, 'src/lazy.ts', 'export const lazy = 3;\n');
    const updates = () => probe.messages.filter((m): m is UpdateMessage => m.kind === 'update');
    const changed = () => [...new Set(updates().flatMap((update) => update.changed))].sort();
    await vi.waitFor(() => expect(changed()).toEqual(['/src/a.ts', '/src/b.ts', '/src/lazy.ts']), WAIT);
    const newest = new Map(updates().flatMap((update) => update.modules.map((m) => [m.path, m.version] as const)));
    const main = await (await get(server, '/src/main.ts')).text();
    for (const module of ['/src/a.ts', '/src/b.ts', '/src/lazy.ts'])
      expect(importOf(main, module)).toBe(`${module}?v=${newest.get(module)}`);
    expect(await (await get(server, `/src/a.ts?v=${newest.get('/src/a.ts')}`)).text()).toContain('a2 = 2');
    expect(probe.kinds().filter((kind) => kind === 'reload')).toEqual([]);
  });

  it('reports a missing import and a module that fails to transform, and keeps serving', async () => {
    const root = tempProject({ ...PROJECT, 'src/lazy.ts': "import './nope.js';\nexport const lazy = 1;\n" });
    const server = await serve(root);
    const probe = new WsProbe(WsProbe.url(server.url, await fetchToken(server.url)));
    probes.push(probe);
    await vi.waitFor(() => expect(probe.kinds()).toContain('hello'), WAIT);
    expect((await get(server, '/src/main.ts')).status).toBe(200);
    await vi.waitFor(() => expect(JSON.stringify(probe.messages)).toContain('\\"./nope.js\\" names no file'), WAIT);
    saveFile(root, 'src/a.ts', 'export const a = (;\n');
    await vi.waitFor(() => expect(JSON.stringify(probe.messages)).toContain('"file":"src/a.ts"'), WAIT);
    expect((await get(server, '/src/a.ts')).status).toBe(200);
    expect((await get(server, '/')).status).toBe(200);
  });

  it('reports a package that fails to pre-bundle, naming it and what to do, and keeps serving', async () => {
    const root = tempProject({
      ...PROJECT,
      'node_modules/esm-pkg/index.js': 'export const esm = (;\n',
    });
    const server = await serve(root);
    const probe = new WsProbe(WsProbe.url(server.url, await fetchToken(server.url)));
    probes.push(probe);
    await vi.waitFor(() => expect(probe.kinds()).toContain('hello'), WAIT);
    expect((await get(server, '/src/main.ts')).status).toBe(200);
    await vi.waitFor(() => expect(JSON.stringify(probe.messages)).toContain('Pre-bundling the packages'), WAIT);
    const error = probe.messages.find((m) => m.kind === 'error');
    expect(JSON.stringify(error)).toContain('esm-pkg');
    expect(JSON.stringify(error)).toContain('npm install');
    expect((await get(server, '/')).status).toBe(200);
  });
});
