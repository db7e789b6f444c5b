// Where an import specifier of a served module points: a file of the project (by URL path), a package
// (pre-bundled), or something the browser fetches itself. TypeScript's conventions hold: `./a.js` may name
// a.ts, extensions may be left out, a folder means its index.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ROUTE_PREFIX } from '../protocol.js';

export type Resolution =
  | { kind: 'file'; file: string; url: string }
  | { kind: 'package'; specifier: string }
  | { kind: 'external' }
  | { kind: 'missing'; reason: string };

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.jsx', '.mjs', '.json'];
/** What a `.js` specifier may stand for in a TypeScript project. */
const TS_FOR_JS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'] };
const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false;
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

export async function resolveSpecifier(specifier: string, importer: string, root: string): Promise<Resolution> {
  // URLs and devpush's own routes (a step's runtime import) are the browser's to fetch.
  if (EXTERNAL.test(specifier) || specifier.startsWith(ROUTE_PREFIX)) return { kind: 'external' };
  const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.';
  if (!relative && !specifier.startsWith('/')) return { kind: 'package', specifier };
  const clean = specifier.replace(/[?#].*$/, '');
  const base = relative ? path.resolve(path.dirname(importer), clean) : path.join(root, clean);
  for (const file of candidates(base)) {
    if (!(await isFile(file))) continue;
    const inside = path.relative(root, file);
    if (inside.startsWith('..') || path.isAbsolute(inside))
      return { kind: 'missing', reason: `"${specifier}" is outside the served folder` };
    return { kind: 'file', file, url: `/${inside.split(path.sep).join('/')}` };
  }
  return {
    kind: 'missing',
    reason: `"${specifier}" names no file (tried ${path.relative(root, base) || '.'} with .ts, .tsx, .js… and index files)`,
  };
}
