// Builds what the package runs from: the server (tsc → dist/src, with declarations for the API), the CLI
// bundled from it (esbuild → dist/cli/) and the browser client (esbuild → dist/client/client.js, one ES
// module). Runs on `npm install` via `prepare`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
// A path, not URL.pathname: that keeps %20 for a space and breaks in a folder named with one.
const root = fileURLToPath(new URL('..', import.meta.url));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
  cwd: root,
  stdio: 'inherit',
});
// The browser code is type-checked on its own: DOM types, no Node types.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'client/tsconfig.json'], {
  cwd: root,
  stdio: 'inherit',
});
await build({
  absWorkingDir: root,
  // client.js goes into every page; status.js drives the live status page at /__devpush/; hot.js is the
  // hot runtime every served module imports (no per-run settings: module bytes stay the same across runs).
  entryPoints: { client: 'client/main.ts', status: 'client/status-page.ts', hot: 'client/hot/index.ts' },
  outdir: 'dist/client',
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
// The React Refresh glue imports the project's own `react-refresh`, left as a bare import here: the
// server points it at the project's pre-bundled copy when it serves the glue.
await build({
  absWorkingDir: root,
  entryPoints: { 'react-refresh': 'client/react-refresh.ts' },
  outdir: 'dist/client',
  bundle: true,
  external: ['react-refresh/runtime'],
  format: 'esm',
  target: 'es2020',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
// What `devpush` runs (bin/devpush.js): the compiled CLI and the watcher's thread bundled into a few files,
// because Node's ESM loader spends more time per file than on the code (one file instead of ~140 halves
// the load; see README, Performance). Splitting keeps the lazily imported parts (the proxy, chokidar on
// the main thread) out of the start path. The worker entry sits beside every chunk, so the watcher's
// `new URL('./worker.js', import.meta.url)` finds it; the API (dist/src/index.js) and the tests (src/) do
// not use this folder.
// Packages stay external (resolved from node_modules at run time, as the API resolves them), except three
// small dependency-free ones every start loads: imported from ESM, the first CommonJS package costs Node
// ~10 ms of loader set-up, and together they were ~20 ms of a ~60 ms import. They stay in `dependencies`
// (dist/src uses them). Their `require('tty')` (picocolors) needs a real `require` in an ES module: the banner.
const INLINED_PACKAGES = new Set(['picocolors', 'picomatch', 'mrmime']);
const packageName = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');
const externalPackages = {
  name: 'external-packages',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'entry-point' || INLINED_PACKAGES.has(packageName(args.path))
        ? undefined
        : { path: args.path, external: true },
    );
  },
};
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/src/cli.js', worker: 'dist/src/watch/worker.js' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  plugins: [externalPackages],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: {
    js: "import { createRequire as createRequireForPackages } from 'node:module';\nconst require = createRequireForPackages(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
// `require('devpush')` from CommonJS goes through this file (package.json "exports" → "require").
copyFileSync(new URL('require.cjs', import.meta.url), new URL('../dist/require.cjs', import.meta.url));
