// `npm run bench`: builds devpush, bundles the harness in bench/ (TypeScript) with esbuild into
// dist/bench/, and runs it. Installs nothing: browser figures use the Chromium that findChromium()
// finds and print "n/a" without one.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { findChromium } from './find-chromium.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { stdio: 'inherit' });

const outdir = path.join(root, 'dist/bench');
await build({
  entryPoints: ['index.ts', 'fanout-worker.ts', 'floor-server.ts', 'hmr-floor-server.ts', 'profile-top.ts'].map(
    (file) => path.join(root, 'bench', file),
  ),
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

const chromium = findChromium();
if (chromium) process.env.DEVPUSH_CHROMIUM = chromium;
await import(pathToFileURL(path.join(outdir, 'index.js')).href);
