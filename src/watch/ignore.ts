import path from 'node:path';
import picomatch from 'picomatch';
import type { IgnoreMatcher } from '../config/types.js';
import { isInside } from '../fs/inside.js';

// Folders never worth watching: version control, dependencies, devpush's own cache and tool caches.
const IGNORED_SEGMENTS = new Set(['.git', 'node_modules', '.hg', '.svn', '.cache', '.devpush']);
// The temp, swap, lock and backup files editors write around a save. vim: .x.swp/.swx/.swo, x~, 4913;
// Emacs: .#x, #x#; JetBrains: x___jb_tmp___/x___jb_old___; Kate: .x.kate-swp; gedit: .goutputstream-*;
// LibreOffice: .~lock.x#; Chrome's File System Access: x.crswap; downloads: .crdownload; macOS: .DS_Store.
const EDITOR_TEMP =
  /(\.sw[a-px]|~|\.tmp|\.crdownload|\.crswap|\.kate-swp|___jb_(tmp|old)___|\.DS_Store)$|^(4913|\.#.*|#.*#|\.goutputstream-.*|\.~lock\..*#)$/;
/** devpush's own temporary file while a TypeScript config is imported. */
const CONFIG_TEMP = /^\.devpush\.config\.[^/]+\.mjs$/;

/** The watched folder a path belongs to (the deepest one holding it), or null. */
function baseOf(file: string, bases: readonly string[]): string | null {
  let best: string | null = null;
  for (const base of bases) {
    if (isInside(base, file) && (best === null || base.length > best.length)) best = base;
  }
  return best;
}

/**
 * Builds the watcher's ignore test from the defaults and `watch.ignore`. Paths are judged relative to
 * the watched folder that holds them (the served folder, or a `watch.paths` folder), so a watched
 * folder that itself sits under `node_modules` still works; globs match that relative path or the name.
 */
export function createIgnore(bases: readonly string[], extra: readonly IgnoreMatcher[]): (file: string) => boolean {
  const globs = extra.filter((m): m is string => typeof m === 'string');
  const globMatch = globs.length ? picomatch(globs, { dot: true }) : null;
  const others = extra.filter((m): m is RegExp | ((p: string) => boolean) => typeof m !== 'string');
  return (file) => {
    const base = baseOf(file, bases);
    // chokidar also asks about the parents of a watched folder; those are never ignored.
    if (base === null) return false;
    const relative = path.relative(base, file).split(path.sep).join('/');
    if (relative === '') return false;
    const segments = relative.split('/');
    const name = segments[segments.length - 1] ?? '';
    if (segments.some((segment) => IGNORED_SEGMENTS.has(segment))) return true;
    if (EDITOR_TEMP.test(name) || CONFIG_TEMP.test(name)) return true;
    if (globMatch && (globMatch(relative) || globMatch(name))) return true;
    return others.some((m) => (typeof m === 'function' ? m(file) : testRegExp(m, file)));
  };
}

/** A global or sticky RegExp keeps state between tests; start each test from the beginning. */
function testRegExp(pattern: RegExp, file: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(file);
}
