// A config file written in TypeScript (devpush.config.ts, vite.config.*) cannot be imported by Node 20: it
// is bundled by esbuild and imported from a temporary file beside it, so that its packages (`devpush`,
// `vite`, plugins) resolve from the project's node_modules as they would for the file itself.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { esbuildService } from '../esbuild.js';

/** The config file and its own relative imports as one ES module for Node; `options` add to the defaults. */
export async function bundleConfig(file: string, options: BuildOptions = {}): Promise<string> {
  const result = await esbuildService.use(({ build }) =>
    build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
      target: 'node20',
      ...options,
    }),
  );
  return result.outputFiles?.[0]?.text ?? '';
}

/** The default export of `code` (a bundled `file`), imported from a temporary file beside `file`, then removed. */
export async function importBeside(file: string, code: string): Promise<unknown> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.mjs`);
  await writeFile(temp, code);
  try {
    return ((await import(pathToFileURL(temp).href)) as { default?: unknown }).default;
  } finally {
    await rm(temp, { force: true });
  }
}
