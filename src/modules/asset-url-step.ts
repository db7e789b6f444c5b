// `new URL('<literal>', import.meta.url)`: the browser resolves a relative literal against the module's
// own URL (right, since modules are served at their own paths), but a package path
// (`new URL('pdfjs-dist/build/pdf.worker.min.mjs', import.meta.url)`) would point into the module's
// folder. Such literals are rewritten to the package file's URL path in the served folder's node_modules.
import { createRequire } from 'node:module';
import path from 'node:path';
import { IMPORT_PARAM } from '../protocol.js';
import type { TransformStep } from './steps.js';

const NEW_URL = /\bnew\s+URL\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const NOT_BARE = /^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i;

/** The URL path of a package file, or null when it does not resolve or lies outside the served folder. */
function packageFileUrl(specifier: string, importer: string, root: string): string | null {
  let file: string;
  try {
    file = createRequire(importer).resolve(specifier);
  } catch {
    return null;
  }
  const inside = path.relative(root, file);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return `/${inside.split(path.sep).join('/')}`;
}

/**
 * `new Worker(new URL('./w.js', import.meta.url), { type: 'module' })`: a plain `.js`/`.mjs` file would
 * be served as it is (only `.ts` names a module by itself), so its imports would not resolve. `?import`
 * has it served as a module, like a `.ts` worker. Classic workers (no `type: 'module'`) stay untouched:
 * they cannot run imports.
 */
const MODULE_WORKER =
  /\bnew\s+(?:Shared)?Worker\(\s*new\s+URL\(\s*(['"])(\.{0,2}\/[^'"?#\n]+\.m?js)\1\s*,\s*import\.meta\.url\s*\)\s*,\s*\{[^}]*\btype\s*:\s*(['"])module\3/g;

function moduleWorkers(code: string): string {
  return code.replace(MODULE_WORKER, (whole, quote: string, specifier: string) =>
    whole.replace(`${quote}${specifier}${quote}`, JSON.stringify(`${specifier}?${IMPORT_PARAM}`)),
  );
}

export const assetUrlStep: TransformStep = {
  name: 'asset-url',
  applies: (input) => input.lang === 'js' && input.code.includes('import.meta.url'),
  async transform(input, context) {
    const withWorkers = moduleWorkers(input.code);
    let changed = withWorkers !== input.code;
    const code = withWorkers.replace(NEW_URL, (whole, quote: string, specifier: string) => {
      if (NOT_BARE.test(specifier)) return whole;
      const url = packageFileUrl(specifier, input.file, context.root);
      if (!url) return whole;
      changed = true;
      // Same length is not needed: the literal stays on its line, so line numbers hold.
      return whole.replace(`${quote}${specifier}${quote}`, JSON.stringify(url));
    });
    return changed ? { ...input, code } : null;
  },
};
