// The `build` section of the config: its rules (checked before esbuild sees anything, so a typo is one
// clear line naming the key, not an esbuild stack) and its defaults.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DevpushError } from '../errors.js';
import type { BuildJsx, BuildLoader, ResolvedConfig, UserConfig } from './types.js';
import { isPlainObject, rules, type Rule, type Section } from './validate.js';

const { boolean, string, arrayOf, either, oneOf } = rules;

const JSX_MODES: readonly BuildJsx[] = ['automatic', 'transform'];
export const BUILD_LOADERS: readonly BuildLoader[] = [
  'base64',
  'binary',
  'copy',
  'css',
  'dataurl',
  'empty',
  'file',
  'js',
  'json',
  'jsx',
  'local-css',
  'text',
  'ts',
  'tsx',
];
/** File names a declared entry may have. */
export const ENTRY_FILE = /\.(ts|tsx|jsx|mts|js|mjs)$/i;
/** esbuild targets: an ECMAScript edition or an engine with a version (chrome120, safari17.2). */
const TARGET =
  /^(esnext|es(3|5|6|20\d\d)|(chrome|edge|firefox|safari|ios|opera|node|deno|hermes|rhino|ie)\d+(\.\d+){0,2})$/i;
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

function rule(expected: string, test: (value: unknown) => boolean): Rule {
  return { expected, test };
}

const target = rule(
  'an esbuild target such as "es2022" or "chrome120"',
  (v) => typeof v === 'string' && TARGET.test(v),
);

/** esbuild accepts a define value only as JSON or an identifier (path); anything else fails at build time. */
function isDefineValue(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (IDENTIFIER_PATH.test(value)) return true;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

export const BUILD_SCHEMA: Section = {
  entries: rule(
    'an array of URL paths of .ts, .tsx, .jsx, .mts, .js or .mjs files, each starting with "/" (e.g. "/src/main.ts")',
    (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && x.startsWith('/') && ENTRY_FILE.test(x)),
  ),
  target: either(
    target,
    rule(
      'a non-empty array of such targets',
      (v) => Array.isArray(v) && v.length > 0 && v.every((x) => target.test(x)),
    ),
  ),
  define: rule(
    'an object whose values are JSON or identifiers written as strings (e.g. { "process.env.NODE_ENV": "\\"development\\"" })',
    (v) =>
      isPlainObject(v) && Object.keys(v).every((k) => IDENTIFIER_PATH.test(k)) && Object.values(v).every(isDefineValue),
  ),
  sourcemap: boolean(),
  jsx: oneOf(JSX_MODES),
  jsxImportSource: string(),
  jsxFactory: rule(
    'an identifier such as "h" or "React.createElement"',
    (v) => typeof v === 'string' && IDENTIFIER_PATH.test(v),
  ),
  jsxFragment: rule(
    'an identifier such as "Fragment" or "React.Fragment"',
    (v) => typeof v === 'string' && IDENTIFIER_PATH.test(v),
  ),
  loader: rule(
    `an object from file extensions (".txt") to loaders (${BUILD_LOADERS.map((l) => JSON.stringify(l)).join(', ')})`,
    (v) =>
      isPlainObject(v) &&
      Object.keys(v).every((ext) => /^\.[\w.-]+$/.test(ext)) &&
      Object.values(v).every((l) => (BUILD_LOADERS as readonly unknown[]).includes(l)),
  ),
  alias: rule(
    'an object from package names (not paths) to packages or paths (e.g. { "react": "preact/compat" })',
    (v) =>
      isPlainObject(v) &&
      Object.keys(v).every((name) => name !== '' && !/^(\.{1,2}\/|\/)/.test(name)) &&
      Object.values(v).every((to) => typeof to === 'string' && to !== ''),
  ),
  external: arrayOf(string()),
  tsconfig: string(),
  bundle: boolean(),
};

const isRelativePath = (value: string) => /^\.{1,2}[\\/]/.test(value);

/** Defaults for the build section; paths made absolute from the config file's folder. */
export function resolveBuild(
  build: NonNullable<UserConfig['build']>,
  configDir: string,
  source: string,
): ResolvedConfig['build'] {
  let tsconfig: string | null = null;
  if (build.tsconfig !== undefined) {
    tsconfig = path.resolve(configDir, build.tsconfig);
    if (!existsSync(tsconfig)) {
      throw new DevpushError(
        `${source}: "build.tsconfig" names ${tsconfig}, which does not exist. Fix the path or drop the key.`,
      );
    }
  }
  const alias = Object.fromEntries(
    Object.entries(build.alias ?? {}).map(([name, to]) => [
      name,
      isRelativePath(to) ? path.resolve(configDir, to) : to,
    ]),
  );
  return {
    entries: build.entries ?? [],
    target: build.target ?? 'es2022',
    define: build.define ?? {},
    sourcemap: build.sourcemap ?? true,
    jsx: build.jsx ?? null,
    jsxImportSource: build.jsxImportSource ?? null,
    jsxFactory: build.jsxFactory ?? null,
    jsxFragment: build.jsxFragment ?? null,
    loader: build.loader ?? {},
    alias,
    external: build.external ?? [],
    tsconfig,
    bundle: build.bundle ?? false,
  };
}
