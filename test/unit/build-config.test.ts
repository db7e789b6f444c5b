import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moduleScripts } from '../../src/bundle/discover.js';
import { resolveConfig } from '../../src/config/load.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

async function errorFor(build: unknown): Promise<string> {
  const root = tempProject({ 'devpush.config.json': JSON.stringify({ build }) });
  try {
    await resolveConfig({ root });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('build config', () => {
  it.each([
    [
      { entries: ['src/main.ts'] },
      '"build.entries" must be an array of URL paths of .ts, .tsx, .jsx, .mts, .js or .mjs files, each starting with "/" (e.g. "/src/main.ts"), found an array (1 items).',
    ],
    [
      { target: 'es2O22' },
      '"build.target" must be an esbuild target such as "es2022" or "chrome120" or a non-empty array of such targets, found "es2O22" (a string).',
    ],
    [
      { define: { DEBUG: 'yes please' } },
      '"build.define" must be an object whose values are JSON or identifiers written as strings',
    ],
    [{ jsx: 'preserve' }, '"build.jsx" must be one of "automatic", "transform", found "preserve" (a string).'],
    [
      { jsxFactory: 'h()' },
      '"build.jsxFactory" must be an identifier such as "h" or "React.createElement", found "h()" (a string).',
    ],
    [
      { loader: { '.txt': 'txt' } },
      '"build.loader" must be an object from file extensions (".txt") to loaders ("base64", "binary"',
    ],
    [{ loader: { txt: 'text' } }, '"build.loader" must be an object from file extensions'],
    [
      { alias: { './local': 'x' } },
      '"build.alias" must be an object from package names (not paths) to packages or paths',
    ],
    [{ external: 'react' }, '"build.external" must be an array of strings, found "react" (a string).'],
    [{ sourcemap: 'inline' }, '"build.sourcemap" must be true or false, found "inline" (a string).'],
    [{ minify: true }, 'unknown key "build.minify".'],
    [{ sourcemaps: true }, 'unknown key "build.sourcemaps". Did you mean "build.sourcemap"?'],
  ])('refuses %j with a message naming the key', async (build, message) => {
    const error = await errorFor(build);
    expect(error.startsWith('devpush.config.json: ')).toBe(true);
    expect(error).toContain(message);
  });

  it('names a tsconfig that does not exist', async () => {
    const error = await errorFor({ tsconfig: './tsconfig.app.json' });
    expect(error).toMatch(
      /^devpush\.config\.json: "build\.tsconfig" names .*tsconfig\.app\.json, which does not exist\. Fix the path or drop the key\.$/,
    );
  });

  it('fills defaults and makes paths absolute from the config file', async () => {
    const root = tempProject({
      'tsconfig.app.json': '{}',
      'devpush.config.json': JSON.stringify({
        build: {
          tsconfig: 'tsconfig.app.json',
          alias: { react: 'preact/compat', lib: './lib/index.ts' },
          target: ['es2020', 'safari15'],
        },
      }),
    });
    const { build } = await resolveConfig({ root });
    expect(build).toEqual({
      entries: [],
      bundle: false,
      target: ['es2020', 'safari15'],
      define: {},
      sourcemap: true,
      jsx: null,
      jsxImportSource: null,
      jsxFactory: null,
      jsxFragment: null,
      loader: {},
      alias: { react: 'preact/compat', lib: path.join(root, 'lib/index.ts') },
      external: [],
      tsconfig: path.join(root, 'tsconfig.app.json'),
    });
  });
});

describe('moduleScripts', () => {
  it('finds module scripts on this origin, relative to the page, outside comments', () => {
    const html = [
      '<script type="module" src="./app.tsx"></script>',
      "<script src='/classic.js'></script>",
      '<SCRIPT TYPE=module SRC=../lib/x.ts?v=2></SCRIPT>',
      '<!-- <script type="module" src="/dead.ts"></script> -->',
      '<script type="module" src="https://cdn.example/pkg.js"></script>',
      '<script type="module">import "/inline.ts"</script>',
      '<script type="module" src="/a%20b.ts"></script>',
    ].join('\n');
    expect(moduleScripts(html, '/docs/page.html')).toEqual(['/docs/app.tsx', '/lib/x.ts', '/a b.ts']);
  });
});
