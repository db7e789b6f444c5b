import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { ResolvedConfig } from '../config/types.js';
import { ASSET_EXTENSIONS, ASSET_PREFIX, ENTRY_SUFFIX } from './outputs.js';

export type BuildSettings = ResolvedConfig['build'];

/**
 * esbuild options for one entry. Outputs stay in memory (write: false); outdir is the entry's own folder
 * so that source map paths are relative to where the page loads the bundle from, never absolute.
 */
export function entryOptions(entryFile: string, root: string, settings: BuildSettings): BuildOptions {
  const loader: Record<string, NonNullable<BuildOptions['loader']>[string]> = Object.fromEntries(
    ASSET_EXTENSIONS.map((ext) => [ext, 'file']),
  );
  return {
    entryPoints: [entryFile],
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    outdir: path.dirname(entryFile),
    entryNames: `[name]${ENTRY_SUFFIX}`,
    assetNames: '[name]-[hash]',
    publicPath: ASSET_PREFIX,
    target: [...[settings.target].flat()],
    // Packages commonly test process.env.NODE_ENV, which browsers do not have.
    // No HMR on the bundled path: `if (import.meta.hot)` blocks are dropped.
    define: { 'process.env.NODE_ENV': '"development"', 'import.meta.hot': 'undefined', ...settings.define },
    sourcemap: settings.sourcemap ? 'external' : false,
    loader: { ...loader, ...settings.loader },
    alias: { ...settings.alias },
    external: [...settings.external],
    ...(settings.tsconfig ? { tsconfig: settings.tsconfig } : {}),
    // A runtime package only means something to the automatic transform, so naming one implies it.
    ...(settings.jsx || settings.jsxImportSource ? { jsx: settings.jsx ?? 'automatic' } : {}),
    ...(settings.jsxImportSource ? { jsxImportSource: settings.jsxImportSource } : {}),
    ...(settings.jsxFactory ? { jsxFactory: settings.jsxFactory } : {}),
    ...(settings.jsxFragment ? { jsxFragment: settings.jsxFragment } : {}),
    logLevel: 'silent',
  };
}
