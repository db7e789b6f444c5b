// Where an import specifier of a served module points: a file of the project (by URL path), a package
// (pre-bundled), or something the browser fetches itself. TypeScript's conventions hold: `./a.js` may name
// a.ts, extensions may be left out, a folder means its index.
import { statSync } from 'node:fs';
import path from 'node:path';
import { ROUTE_PREFIX } from '../protocol.js';
import { applyAlias, tsconfigBases } from './aliases.js';
import { type ImportQuery, moduleId, splitSpecifier } from './queries.js';

export type Resolution =
  | { kind: 'file'; file: string; url: string }
  | { kind: 'package'; specifier: string }
  | { kind: 'external' }
  | { kind: 'missing'; reason: string };

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.jsx', '.mjs', '.json'];
/** What a `.js` specifier may stand for in a TypeScript project. */
const TS_FOR_JS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'] };
const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * Synchronous on purpose: a page of a thousand modules probes a few thousand names, and most do not
 * exist; a sync stat that returns undefined costs microseconds, where the async one queues in the thread
 * pool and builds an error object for every miss.
 */
function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function candidates(base: string): string[] {
  const ext = path.extname(base);
  const list = [base];
  for (const alternative of TS_FOR_JS[ext] ?? []) list.push(base.slice(0, -ext.length) + alternative);
  for (const extension of EXTENSIONS) list.push(base + extension);
  for (const extension of EXTENSIONS) list.push(path.join(base, `index${extension}`));
  return list;
}

/** The package a bare specifier names: `react`, `@scope/pkg`; its subpath does not change the package. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Where a module's imports are looked for. */
export interface ResolveOptions {
  root: string;
  /** The public folder: `/logo.svg` is looked for there after the root. Null when turned off. */
  publicDir: string | null;
  /** `resolve.alias` (`build.alias`): find → replacement. */
  alias: Readonly<Record<string, string>>;
}

export async function resolveSpecifier(
  specifier: string,
  importer: string,
  options: ResolveOptions,
): Promise<Resolution> {
  // URLs and devpush's own routes (a step's runtime import) are the browser's to fetch.
  if (EXTERNAL.test(specifier) || specifier.startsWith(ROUTE_PREFIX)) return { kind: 'external' };
  const { path: clean, query, error } = splitSpecifier(specifier);
  if (error) return { kind: 'missing', reason: error };
  const { root } = options;
  const relative = clean.startsWith('./') || clean.startsWith('../') || clean === '.';
  let bases: string[];
  if (relative) bases = [path.resolve(path.dirname(importer), clean)];
  else if (clean.startsWith('/')) bases = [path.join(root, clean)];
  else {
    const aliased = applyAlias(clean, options.alias, root);
    if (aliased !== null && !path.isAbsolute(aliased)) return { kind: 'package', specifier: aliased };
    bases = aliased !== null ? [aliased] : tsconfigBases(clean, importer, root);
    if (!bases.length) return { kind: 'package', specifier };
  }
  for (const base of bases) {
    const found = await firstFile(base, root, query, specifier);
    if (found) return found;
  }
  // `/logo.svg` may be a file of the public folder, served at the site root.
  if (clean.startsWith('/') && options.publicDir) {
    const file = path.join(options.publicDir, clean);
    if (isInsideDir(options.publicDir, file) && isFile(file))
      return { kind: 'file', file, url: moduleId(clean, query) };
  }
  // A bare name no tsconfig path matched with a file is a package after all.
  if (!relative && !clean.startsWith('/') && applyAlias(clean, options.alias, root) === null)
    return { kind: 'package', specifier };
  const base = bases[0] as string;
  return {
    kind: 'missing',
    reason: `"${specifier}" names no file (tried ${path.relative(root, base) || '.'} with .ts, .tsx, .js… and index files)`,
  };
}

async function firstFile(
  base: string,
  root: string,
  query: ImportQuery | null,
  specifier: string,
): Promise<Resolution | null> {
  for (const file of candidates(base)) {
    if (!isFile(file)) continue;
    const inside = path.relative(root, file);
    if (inside.startsWith('..') || path.isAbsolute(inside))
      return { kind: 'missing', reason: `"${specifier}" is outside the served folder` };
    return { kind: 'file', file, url: moduleId(`/${inside.split(path.sep).join('/')}`, query) };
  }
  return null;
}

function isInsideDir(dir: string, file: string): boolean {
  const inside = path.relative(dir, file);
  return !inside.startsWith('..') && !path.isAbsolute(inside);
}
