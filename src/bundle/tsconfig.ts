import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ParseError } from 'jsonc-parser';
import picomatch from 'picomatch';

// jsonc-parser (85 KB over six CommonJS files) is read on the first tsconfig, not at start-up.
const requireHere = createRequire(import.meta.url);
let jsonc: typeof import('jsonc-parser') | null = null;

interface TsconfigFile {
  files?: string[];
  include?: string[];
  exclude?: string[];
  references?: { path: string }[];
}

/**
 * The tsconfig that governs `file`, as `tsc -b` would pick it: the nearest tsconfig.json above the file
 * (up to `root`), or, when that one is a solution file (Vite's react-ts template: `"files": []` and
 * `references` to tsconfig.app.json and tsconfig.node.json), the referenced config whose `include`
 * covers the file. Without this, `jsx`, `paths` and the other options of tsconfig.app.json are missed.
 * Null when there is none (esbuild then uses its defaults).
 */
export function tsconfigFor(file: string, root: string): string | null {
  return governingTsconfig(file, root, walkUpForTsconfig);
}

function governingTsconfig(
  file: string,
  root: string,
  nearestFrom: (dir: string, root: string) => string | null,
): string | null {
  const nearest = nearestFrom(path.dirname(file), root);
  if (!nearest) return null;
  const config = readTsconfig(nearest);
  if (!config?.references?.length || covers(nearest, config, file)) return nearest;
  for (const reference of config.references) {
    const referenced = reference && typeof reference.path === 'string' ? referencePath(nearest, reference.path) : null;
    const referencedConfig = referenced ? readTsconfig(referenced) : null;
    if (referenced && referencedConfig && covers(referenced, referencedConfig, file)) return referenced;
  }
  return nearest;
}

/**
 * Per folder, for the module side (which calls `forgetTsconfigs` when a tsconfig appears, changes or goes):
 * every module of a folder asks the same walk (a thousand stats for a thousand modules).
 */
const nearestByFolder = new Map<string, string | null>();

function nearestTsconfig(dir: string, root: string): string | null {
  const key = `${root}\0${dir}`;
  let found = nearestByFolder.get(key);
  if (found === undefined) {
    found = walkUpForTsconfig(dir, root);
    nearestByFolder.set(key, found);
  }
  return found;
}

function walkUpForTsconfig(dir: string, root: string): string | null {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, 'tsconfig.json');
    if (isFile(candidate)) return candidate;
    const relative = path.relative(root, current);
    if (relative === '' || relative.startsWith('..') || current === path.dirname(current)) return null;
  }
}

/** A reference names a config file or a folder holding tsconfig.json. */
function referencePath(from: string, reference: string): string | null {
  const target = path.resolve(path.dirname(from), reference);
  if (isFile(target)) return target;
  const inFolder = path.join(target, 'tsconfig.json');
  return isFile(inFolder) ? inFolder : null;
}

/** Whether a config's `files`/`include` (minus `exclude`) take in `file`; tsc's default include is everything. */
function covers(configFile: string, config: TsconfigFile, file: string): boolean {
  const relative = path.relative(path.dirname(configFile), file).split(path.sep).join('/');
  if (relative.startsWith('..')) return false;
  if (config.files?.some((name) => path.resolve(path.dirname(configFile), name) === file)) return true;
  if (config.files && !config.include) return false;
  const include = (config.include ?? ['**/*']).map(asGlob);
  const exclude = (config.exclude ?? []).map(asGlob);
  return picomatch.isMatch(relative, include) && !(exclude.length && picomatch.isMatch(relative, exclude));
}

/** tsc reads `src` as `src/**` and `src/*.ts` as written. */
function asGlob(pattern: string): string {
  const clean = pattern.replace(/^\.\//, '');
  return /[*?]|\.\w+$/.test(clean.split('/').pop() ?? '') ? clean : `${clean.replace(/\/$/, '')}/**`;
}

/** A tsconfig as tsc reads it (comments, trailing commas); null when unreadable: esbuild then reports it. */
function readTsconfig(file: string): TsconfigFile | null {
  const errors: ParseError[] = [];
  let parsed: unknown;
  try {
    jsonc ??= requireHere('jsonc-parser') as typeof import('jsonc-parser');
    parsed = jsonc.parse(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
  } catch {
    return null;
  }
  return errors.length || typeof parsed !== 'object' || parsed === null ? null : (parsed as TsconfigFile);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The compiler options a module's transform and resolution take from its tsconfig (no `extends` followed). */
export interface ModuleCompilerOptions {
  /** Folder of the tsconfig: `baseUrl` and `paths` are relative to it. */
  dir: string;
  options: {
    jsx?: string;
    jsxImportSource?: string;
    jsxFactory?: string;
    jsxFragmentFactory?: string;
    experimentalDecorators?: boolean;
    useDefineForClassFields?: boolean;
    baseUrl?: string;
    paths?: Record<string, string[]>;
  };
}

/**
 * Per module: every transform asks (two or three steps each), and the answer takes a walk of stats, a
 * read and parse of one or more tsconfigs and their include globs. Kept until `forgetTsconfigs`, which
 * the module side calls when a tsconfig or jsconfig changes.
 */
const remembered = new Map<string, ModuleCompilerOptions | null>();

export function forgetTsconfigs(): void {
  remembered.clear();
  nearestByFolder.clear();
}

/** Whether a file is one of the configs `compilerOptionsFor` reads (tsconfig.app.json too). */
export function isTsconfigFile(file: string): boolean {
  return /^(tsconfig|jsconfig)(\..+)?\.json$/i.test(path.basename(file));
}

/** The compilerOptions of the tsconfig governing `file` (see tsconfigFor), or null. */
export function compilerOptionsFor(file: string, root: string): ModuleCompilerOptions | null {
  const key = `${root}\0${file}`;
  if (remembered.has(key)) return remembered.get(key) ?? null;
  const found = readCompilerOptions(file, root);
  remembered.set(key, found);
  return found;
}

function readCompilerOptions(file: string, root: string): ModuleCompilerOptions | null {
  const configFile = governingTsconfig(file, root, nearestTsconfig);
  const config = configFile ? (readTsconfig(configFile) as { compilerOptions?: unknown } | null) : null;
  const options = config?.compilerOptions;
  if (!configFile || typeof options !== 'object' || options === null) return null;
  return { dir: path.dirname(configFile), options: options as ModuleCompilerOptions['options'] };
}
