// The builder against real esbuild on real temp projects: what it rebuilds, what it reports, what it serves.
import { existsSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { type EncodedSourceMap, originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Builder, type BuildEffect } from '../../src/bundle/builder.js';
import { resolveConfig } from '../../src/config/load.js';
import type { UserConfig } from '../../src/config/types.js';
import { saveFile } from '../helpers/build.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

const PROJECT = {
  'src/main.ts':
    "import { value } from './value';\nimport { shared } from './shared';\nimport './style.css';\nexport const out = [value, shared];\nconsole.log(out);\n",
  'src/other.ts': "import { shared } from './shared';\nconsole.log(shared);\n",
  'src/value.ts': "export const value: string = 'one';\n",
  'src/shared.ts': "export const shared = 'shared';\n",
  'src/style.css': 'body { color: red; }\n',
  'src/unused.ts': 'export const unused = 1;\n',
};

interface Harness {
  root: string;
  builder: Builder;
  built: BuildEffect[];
  dropped: string[];
  /** A change set as the watcher hands it over: project-relative path → event. */
  rebuild(changes: Record<string, string>): Promise<BuildEffect[]>;
  body(url: string): Promise<string | null>;
}

const builders: Builder[] = [];
afterEach(async () => {
  await Promise.all(builders.splice(0).map((builder) => builder.close()));
  removeTempProjects();
});

async function harness(
  files: Record<string, string> = PROJECT,
  build: UserConfig['build'] = {},
  idleMs?: number,
): Promise<Harness> {
  const root = tempProject(files);
  const { build: settings } = await resolveConfig({ root, configFile: false, build });
  const built: BuildEffect[] = [];
  const dropped: string[] = [];
  const builder = new Builder({
    root,
    settings,
    resolveFile: async (url) => (existsSync(path.join(root, url)) ? path.join(root, url) : null),
    idleMs,
  });
  builder.setListener({ entryBuilt: (effect) => built.push(effect), entryDropped: (entry) => dropped.push(entry) });
  builders.push(builder);
  return {
    root,
    builder,
    built,
    dropped,
    rebuild: (changes) =>
      builder.rebuild(new Map(Object.entries(changes).map(([file, event]) => [path.join(root, file), event]))),
    body: async (url) => {
      const served = await builder.output(url);
      return served ? Buffer.from(served.body()).toString() : null;
    },
  };
}

describe('Builder: what a change rebuilds', () => {
  it('rebuilds only the entries that read the changed file, and nothing for a file no entry uses', async () => {
    const h = await harness();
    await h.body('/src/main.ts');
    await h.body('/src/other.ts');
    expect(h.builder.stats()).toMatchObject({ entries: 2, builds: 2, rebuilds: 0 });

    expect(await h.rebuild({ 'src/unused.ts': 'change' })).toEqual([]);
    expect(h.builder.stats().builds).toBe(2);

    saveFile(h.root, 'src/value.ts', "export const value: string = 'two';\n");
    expect((await h.rebuild({ 'src/value.ts': 'change' })).map((e) => [e.entry, e.kind])).toEqual([
      ['/src/main.ts', 'js'],
    ]);

    saveFile(h.root, 'src/shared.ts', "export const shared = 'shared-2';\n");
    const effects = await h.rebuild({ 'src/shared.ts': 'change' });
    expect(effects.map((e) => e.entry).sort()).toEqual(['/src/main.ts', '/src/other.ts']);
    expect(h.builder.stats()).toMatchObject({ builds: 5, rebuilds: 3 });
    expect(h.builder.stats().lastRebuild?.entries.sort()).toEqual(['/src/main.ts', '/src/other.ts']);
  });

  it('rebuilds every entry when a tsconfig changes (its paths decide what an import means)', async () => {
    const h = await harness({
      'src/main.ts': "import { where } from '@here/where';\nconsole.log(where);\n",
      'src/a/where.ts': "export const where = 'a';\n",
      'src/b/where.ts': "export const where = 'b';\n",
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@here/*': ['src/a/*'] } } }),
    });
    expect(await h.body('/src/main.ts')).toContain('"a"');
    saveFile(
      h.root,
      'tsconfig.json',
      JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@here/*': ['src/b/*'] } } }),
    );
    expect((await h.rebuild({ 'tsconfig.json': 'change' })).map((e) => e.kind)).toEqual(['js']);
    expect(await h.body('/src/main.ts')).toContain('"b"');
  });

  it('builds again, a bounded number of times, while a file it read is written during the build', async () => {
    const h = await harness();
    await h.body('/src/main.ts');
    const before = h.builder.stats().builds;
    // A save landing while esbuild runs leaves an mtime later than the build's start: what a file read
    // half-written looks like afterwards. A future mtime stands for one that keeps being written.
    saveFile(h.root, 'src/value.ts', "export const value: string = 'three';\n");
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(h.root, 'src/value.ts'), later, later);
    await h.rebuild({ 'src/value.ts': 'change' });
    expect(h.builder.stats().builds - before).toBe(3);
    expect(await h.body('/src/main.ts')).toContain('"three"');

    const past = new Date(Date.now() - 60_000);
    utimesSync(path.join(h.root, 'src/value.ts'), past, past);
    saveFile(h.root, 'src/shared.ts', "export const shared = 'shared-3';\n");
    await h.rebuild({ 'src/shared.ts': 'change' });
    expect(h.builder.stats().builds - before).toBe(4); // written before the build: one build
  });

  it('joins rebuilds asked for while one is queued: a burst gives one build', async () => {
    const h = await harness();
    await h.body('/src/main.ts');
    saveFile(h.root, 'src/value.ts', "export const value: string = 'burst';\n");
    const burst = await Promise.all([
      h.rebuild({ 'src/value.ts': 'change' }),
      h.rebuild({ 'src/value.ts': 'change' }),
      h.rebuild({ 'src/shared.ts': 'change' }),
    ]);
    expect(burst.flat().map((e) => e.kind)).toEqual(['js', 'js', 'js']);
    expect(h.builder.stats()).toMatchObject({ builds: 2, rebuilds: 1 });
    expect(await h.body('/src/main.ts')).toContain('"burst"');
  });

  it('says none when the bytes did not change, css when only the stylesheet did, js otherwise', async () => {
    const h = await harness();
    await h.body('/src/main.ts');

    saveFile(
      h.root,
      'src/value.ts',
      "// a comment moves lines, not bytes of the bundle\nexport const value: string = 'one';\n",
    );
    expect((await h.rebuild({ 'src/value.ts': 'change' }))[0]?.kind).toBe('none');

    saveFile(h.root, 'src/style.css', 'body { color: blue; }\n');
    const [css] = await h.rebuild({ 'src/style.css': 'change' });
    expect(css).toMatchObject({ kind: 'css', cssPaths: ['/src/main.ts.css'] });
    expect(await h.body('/src/main.ts.css')).toContain('color: blue');

    saveFile(h.root, 'src/value.ts', "export const value: string = 'two';\n");
    expect((await h.rebuild({ 'src/value.ts': 'change' }))[0]?.kind).toBe('js');
  });
});

describe('Builder: errors', () => {
  it('reports a deleted import as an error with its location, keeps the last good output, recovers when it is back', async () => {
    const h = await harness();
    const good = await h.body('/src/main.ts');
    rmSync(path.join(h.root, 'src/value.ts'));
    const [failed] = await h.rebuild({ 'src/value.ts': 'unlink' });
    expect(failed?.kind).toBe('error');
    expect(failed?.problems[0]).toMatchObject({ location: { file: 'src/main.ts', line: 1 } });
    expect(failed?.problems[0]?.text).toContain('./value');
    expect(await h.body('/src/main.ts')).toBe(good);

    saveFile(h.root, 'src/value.ts', "export const value: string = 'back';\n");
    const [recovered] = await h.rebuild({ 'src/value.ts': 'add' });
    expect(recovered?.kind).toBe('recovered');
    expect(await h.body('/src/main.ts')).toContain('"back"');
  });

  it('names a deleted entry relative to the folder: pages are shown no absolute path', async () => {
    const h = await harness();
    await h.body('/src/main.ts');
    rmSync(path.join(h.root, 'src/main.ts'));
    const [failed] = await h.rebuild({ 'src/main.ts': 'unlink' });
    expect(failed?.problems.map((p) => p.text)).toEqual(['Could not resolve "src/main.ts"']);
  });

  it('serves a module that logs the error when the first build fails, and reports that build', async () => {
    const h = await harness({ ...PROJECT, 'src/value.ts': 'export const value = ;\n' });
    const served = await h.builder.output('/src/main.ts');
    expect(served?.type).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(served!.body()).toString()).toMatch(/^console\.error\(".*src\/value\.ts:1:22\)"\);/);
    expect(h.built).toHaveLength(1);
    expect(h.built[0]).toMatchObject({ entry: '/src/main.ts', kind: 'error' });
    expect(h.built[0]?.problems[0]?.frame).toContain('> 1 | export const value = ;');
  });

  it("keeps esbuild's notes: what to do about an import it cannot resolve", async () => {
    const h = await harness({ 'src/main.ts': "import missing from 'no-such-package';\nconsole.log(missing);\n" });
    await h.body('/src/main.ts');
    expect(h.built[0]?.problems[0]?.text).toMatch(/^Could not resolve "no-such-package"\n.*external/s);
  });

  it('reports warnings with their location', async () => {
    const h = await harness({ 'src/main.ts': 'const a = 1;\nif (a == -0) console.log(a);\n' });
    await h.body('/src/main.ts');
    expect(h.built[0]?.warnings[0]).toMatchObject({ location: { file: 'src/main.ts', line: 2 } });
  });
});

describe('Builder: outputs', () => {
  it('writes source maps with relative paths only, and no absolute path anywhere it serves', async () => {
    const h = await harness();
    const bundle = (await h.body('/src/main.ts'))!;
    expect(bundle.split('\n')[0]).toContain('/src/main.ts.css'); // the stylesheet prelude
    expect(bundle).toMatch(/\/\/# sourceMappingURL=main\.ts\.map\n$/);
    const map = JSON.parse((await h.body('/src/main.ts.map'))!) as EncodedSourceMap;
    // The prelude moves the bundle down one line; the map must follow, so code maps to its own source line.
    const lines = bundle.split('\n');
    const line = lines.findIndex((text) => text.includes('console.log(out)'));
    const column = lines[line]!.indexOf('console.log(out)');
    expect(originalPositionFor(new TraceMap(map), { line: line + 1, column })).toMatchObject({
      source: 'main.ts',
      line: 5,
    });
    expect([...map.sources].sort()).toEqual(['main.ts', 'shared.ts', 'value.ts']);
    const css = (await h.body('/src/main.ts.css'))!;
    expect(css).toContain('sourceMappingURL=main.ts.css.map');
    for (const url of ['/src/main.ts', '/src/main.ts.map', '/src/main.ts.css', '/src/main.ts.css.map']) {
      expect(await h.body(url)).not.toContain(h.root);
    }
  });

  it('names maps by URL-safe names, for entries whose names need escaping', async () => {
    const h = await harness({
      'src/my entry.ts': "import './a b.css';\nconsole.log(1);\n",
      'src/a b.css': 'p { color: red; }\n',
    });
    expect(await h.body('/src/my entry.ts')).toMatch(/\/\/# sourceMappingURL=my%20entry\.ts\.map\n$/);
    expect(await h.body('/src/my entry.ts.css')).toContain('/*# sourceMappingURL=my%20entry.ts.css.map */');
    expect(await h.builder.output('/src/my entry.ts.map')).not.toBeNull();
  });

  it('serves no source map when sourcemap is off', async () => {
    const h = await harness(PROJECT, { sourcemap: false });
    expect(await h.body('/src/main.ts')).not.toContain('sourceMappingURL');
    expect(await h.builder.output('/src/main.ts.map')).toBeNull();
  });

  it('passes define, alias, loader, external and jsx settings to esbuild', async () => {
    const h = await harness(
      {
        'src/main.tsx': [
          "import { greet } from 'greeting';",
          "import text from './note.data';",
          "import { remote } from 'https://example.test/remote.js';",
          'const view = <b>{greet(__NAME__)}</b>;',
          'console.log(view, text, remote);',
        ].join('\n'),
        'lib/greeting.ts': 'export const greet = (name: string) => `hi ${name}`;\n',
        'src/note.data': 'plain text note',
      },
      {
        define: { __NAME__: '"devpush"' },
        alias: { greeting: './lib/greeting.ts' },
        loader: { '.data': 'text' },
        external: ['https://example.test/*'],
        jsxFactory: 'h',
      },
    );
    const bundle = (await h.body('/src/main.tsx'))!;
    expect(h.built[0]?.kind).toBe('js');
    expect(bundle).toContain('hi ${name}');
    expect(bundle).toContain('greet("devpush")');
    expect(bundle).toContain('"plain text note"');
    expect(bundle).toContain('from "https://example.test/remote.js"');
    expect(bundle).toContain('h("b", null');
  });

  it('serves images and fonts an entry imports from memory', async () => {
    const h = await harness({
      'src/main.ts': "import logo from './logo.svg';\nimport './fonts.css';\nconsole.log(logo);\n",
      'src/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'src/fonts.css': "@font-face { font-family: F; src: url('./f.woff2'); }\n",
      'src/f.woff2': 'font-bytes',
    });
    const bundle = (await h.body('/src/main.ts'))!;
    const logoUrl = /"(\/__devpush\/build\/logo-[\w]+\.svg)"/.exec(bundle)?.[1];
    const fontUrl = /url\("(\/__devpush\/build\/f-[\w]+\.woff2)"\)/.exec((await h.body('/src/main.ts.css'))!)?.[1];
    expect((await h.builder.output(logoUrl!))?.type).toBe('image/svg+xml');
    expect(await h.body(logoUrl!)).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect((await h.builder.output(fontUrl!))?.type).toBe('font/woff2');
  });
});

describe('Builder: which files are entries', () => {
  it('bundles a page script .js only when it imports a package, asking again once it changes', async () => {
    const h = await harness({
      'plain.js': "import { label } from './label.js';\nconsole.log(label);\n",
      'label.js': "export const label = 'x';\n",
      'imports-package.js': "import { helper } from './helper.js';\nconsole.log(helper);\n",
      'helper.js': "import pkg from 'some-package';\nexport const helper = pkg;\n",
      'node_modules/some-package/index.js': 'export default 42;\n',
      'node_modules/some-package/package.json': '{ "name": "some-package", "main": "index.js" }',
    });
    h.builder.discover(
      '<script type="module" src="plain.js"></script><script type="module" src="/imports-package.js"></script>',
      '/',
    );
    expect(await h.builder.output('/plain.js')).toBeNull();
    expect(await h.body('/imports-package.js')).toContain('42');
    expect(await h.builder.output('/label.js')).toBeNull(); // not a page script: served as it is

    saveFile(h.root, 'plain.js', "import pkg from 'some-package';\nconsole.log(pkg);\n");
    await h.rebuild({ 'plain.js': 'change' });
    expect(await h.body('/plain.js')).toContain('42');
  });

  it('builds declared entries at start, and page scripts as soon as the page is served', async () => {
    const h = await harness(PROJECT, { entries: ['/src/other.ts', '/src/missing.ts'] });
    expect(await h.builder.start()).toEqual(['/src/missing.ts']);
    expect(Object.keys(h.builder.stats().perEntry)).toEqual(['/src/other.ts']);
    h.builder.discover(
      '<!-- <script type="module" src="/src/unused.ts"></script> --><script type="module" src="./src/main.ts">',
      '/index.html',
    );
    await vi.waitFor(() => expect(h.built.map((e) => e.entry)).toContain('/src/main.ts'), { timeout: 10_000 });
    expect(h.builder.stats().perEntry['/src/unused.ts']).toBeUndefined();
    // Built now: the next time the page is served, it learns the stylesheets its entries have.
    expect(
      h.builder.discover(
        '<script type="module" src="/src/main.ts"></script><script type="module" src="/src/other.ts"></script>',
        '/',
      ),
    ).toEqual(['/src/main.ts.css']);
  });
});

describe('Builder: entry kinds', () => {
  it.each(['main.mts', 'main.tsx', 'main.jsx'])('bundles a %s entry', async (name) => {
    const h = await harness({
      [`src/${name}`]: "import { shared } from './shared';\nconsole.log(shared);\n",
      'src/shared.ts': "export const shared = 'kind';\n",
    });
    expect(await h.body(`/src/${name}`)).toContain('"kind"');
  });
});

describe('Builder: lifecycle', () => {
  it('disposes an entry no page asked for in a while; a change to its files still reloads', async () => {
    const h = await harness(PROJECT, {}, 100);
    await h.body('/src/main.ts');
    await vi.waitFor(() => expect(h.builder.stats().entries).toBe(0), { timeout: 10_000 });
    expect(await h.rebuild({ 'src/unused.ts': 'change' })).toEqual([]);
    expect((await h.rebuild({ 'src/value.ts': 'change' })).map((e) => [e.entry, e.kind])).toEqual([
      ['/src/main.ts', 'js'],
    ]);
    expect(await h.body('/src/main.ts')).toContain('"one"');
  });

  it('keeps a failing entry however idle: its error still holds', async () => {
    const h = await harness({ ...PROJECT, 'src/value.ts': 'export const value = ;\n' }, {}, 100);
    await h.builder.output('/src/main.ts');
    await h.body('/src/other.ts');
    await vi.waitFor(() => expect(Object.keys(h.builder.stats().perEntry)).toEqual(['/src/main.ts']), {
      timeout: 10_000,
    });
    expect(h.dropped).toEqual([]);
  });

  it('tells when a failing entry is dropped, so its error can be cleared', async () => {
    const h = await harness({ ...PROJECT, 'src/value.ts': 'export const value = ;\n' });
    await h.builder.output('/src/main.ts');
    await h.builder.close();
    expect(h.dropped).toEqual(['/src/main.ts']);
    expect(h.builder.stats().entries).toBe(0);
  });
});
