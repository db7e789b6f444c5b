// Specifiers that name something else: `resolve.alias` of the config (`@` → `./src`, `react` →
// `preact/compat`) and the tsconfig's `paths`/`baseUrl` (`@/*` → `src/*`), as Vite's templates use them.
import { statSync } from 'node:fs';
import path from 'node:path';
import { compilerOptionsFor } from '../bundle/tsconfig.js';

/** A specifier aliased to another: an absolute file path to try, or another specifier (a package). */
export function applyAlias(specifier: string, alias: Readonly<Record<string, string>>, root: string): string | null {
  for (const [find, replacement] of Object.entries(alias)) {
    if (specifier !== find && !specifier.startsWith(`${find}/`)) continue;
    const target = replacement + specifier.slice(find.length);
    // `/src` in a Vite config is a folder of the project when it is one; `./src` is relative to the root.
    if (target.startsWith('./') || target.startsWith('../')) return path.resolve(root, target);
    if (path.isAbsolute(target) && !existsUnder(root, target)) return path.join(root, target);
    return target;
  }
  return null;
}

function existsUnder(root: string, file: string): boolean {
  if (!file.startsWith(root)) return false;
  try {
    statSync(path.dirname(file));
    return true;
  } catch {
    return false;
  }
}

/** Candidate bases (absolute, extension-less allowed) the tsconfig's `paths` and `baseUrl` give a bare specifier. */
export function tsconfigBases(specifier: string, importer: string, root: string): string[] {
  const found = compilerOptionsFor(importer, root);
  if (!found) return [];
  const { paths, baseUrl } = found.options;
  const base = path.resolve(found.dir, baseUrl ?? '.');
  const bases: string[] = [];
  for (const [pattern, targets] of Object.entries(paths ?? {})) {
    const star = pattern.indexOf('*');
    const prefix = star < 0 ? pattern : pattern.slice(0, star);
    const suffix = star < 0 ? '' : pattern.slice(star + 1);
    const matches =
      star < 0
        ? specifier === pattern
        : specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= pattern.length - 1;
    if (!matches || !Array.isArray(targets)) continue;
    const captured = star < 0 ? '' : specifier.slice(prefix.length, specifier.length - suffix.length);
    for (const target of targets) bases.push(path.resolve(base, target.replace('*', captured)));
  }
  if (baseUrl !== undefined) bases.push(path.resolve(base, specifier));
  return bases;
}
