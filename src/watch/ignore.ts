import path from 'node:path';
import picomatch from 'picomatch';
import type { IgnoreMatcher } from '../config/types.js';

// Folders never worth watching, and the temp/swap/backup files editors write around a save
// (vim: .swp/.swx/~/4913, Emacs: .#x/#x#, JetBrains: ___jb_tmp___/___jb_old___, generic .tmp/.crdownload).
const IGNORED_SEGMENTS = new Set(['.git', 'node_modules', '.hg', '.svn', '.cache', '.devpush']);
const EDITOR_TEMP = /(\.sw[a-px]|~|\.tmp|\.crdownload|___jb_(tmp|old)___|\.DS_Store)$|^(4913|\.#.*|#.*#)$/;
/** devpush's own temporary file while a TypeScript config is imported. */
const CONFIG_TEMP = /^\.devpush\.config\.[^/]+\.mjs$/;

/** Builds the watcher's ignore test from the defaults and `watch.ignore` (globs relative to `root`). */
export function createIgnore(root: string, extra: readonly IgnoreMatcher[]): (file: string) => boolean {
  const globs = extra.filter((m): m is string => typeof m === 'string');
  const globMatch = globs.length ? picomatch(globs, { dot: true }) : null;
  const others = extra.filter((m): m is RegExp | ((p: string) => boolean) => typeof m !== 'string');
  return (file) => {
    const relative = path.relative(root, file).split(path.sep).join('/');
    const segments = relative.split('/');
    const base = segments[segments.length - 1] ?? '';
    if (segments.some((segment) => IGNORED_SEGMENTS.has(segment))) return true;
    if (EDITOR_TEMP.test(base) || CONFIG_TEMP.test(base)) return true;
    if (globMatch && !relative.startsWith('..') && (globMatch(relative) || globMatch(base))) return true;
    return others.some((m) => (typeof m === 'function' ? m(file) : m.test(file)));
  };
}
