// React Fast Refresh for .jsx/.tsx modules of projects that have `react` and `react-refresh`. esbuild
// cannot register components and hook signatures, so oxc-transform does this step whole (types stripped,
// JSX compiled for development, `$RefreshReg$`/`$RefreshSig$` calls added); the esbuild step after it only
// applies `define` and the target. The page side is client/react-refresh.ts, served at `routePath('refresh')`.
import type { OxcError, TransformOptions } from 'oxc-transform';
import { compilerOptionsFor } from '../bundle/tsconfig.js';
import { routePath } from '../protocol.js';
import { lexerReady } from './lexer.js';
import type { ModuleInput, StepContext, TransformStep } from './steps.js';

type Oxc = typeof import('oxc-transform');
let oxc: Promise<Oxc> | null = null;

/** The local name of the glue's `refreshModule` in a transformed module. */
const REFRESH = '__devpush_refresh';
/** The project's refresh runtime, as the glue and the pre-bundled packages name it. */
export const REFRESH_RUNTIME = 'react-refresh/runtime';

/** Whether a module is JSX whose runtime is React's (not preact's or another `jsxImportSource`). */
export function reactJsx(input: ModuleInput, context: StepContext): boolean {
  if (input.lang !== 'jsx' && input.lang !== 'tsx') return false;
  // The config's runtime, else the one of the tsconfig governing the file (preact-ts: "preact").
  const source =
    context.config.build.jsxImportSource ??
    compilerOptionsFor(input.file, context.root)?.options.jsxImportSource ??
    null;
  return source === null || source === 'react';
}

/** Whether a module gets the refresh transform: JSX of a project whose JSX is React's and can refresh. */
export function refreshApplies(input: ModuleInput, context: StepContext): boolean {
  return reactJsx(input, context) && context.hasPackage('react') && context.hasPackage('react-refresh');
}

function options(input: ModuleInput, context: StepContext): TransformOptions {
  const { build } = context.config;
  // "transform" in devpush's config is React's classic runtime (factory calls); anything else automatic.
  const classic = build.jsx === 'transform' && !build.jsxImportSource;
  return {
    lang: input.lang === 'tsx' ? 'tsx' : 'jsx',
    sourceType: 'module',
    sourcemap: true,
    jsx: {
      runtime: classic ? 'classic' : 'automatic',
      development: true,
      refresh: true,
      ...(classic && build.jsxFactory ? { pragma: build.jsxFactory } : {}),
      ...(classic && build.jsxFragment ? { pragmaFrag: build.jsxFragment } : {}),
    },
    // Each module is its own ES module: an import used only as a type goes, every other one stays.
    typescript: { onlyRemoveTypeImports: false },
  };
}

/**
 * The lines around the transformed code. The prelude goes on the first line (no newline: line numbers and
 * the source map's lines hold). Registrations are keyed by the module's URL path, which does not change
 * between versions, so React matches the new component with the old one and keeps its state.
 */
function wrap(code: string, url: string, hasExports: boolean): string {
  const runtime = routePath('refresh');
  // The bare import puts the project's runtime in the pre-bundled packages; the glue imports that copy.
  const prelude =
    `import ${JSON.stringify(REFRESH_RUNTIME)};import { refreshModule as ${REFRESH} } from ${JSON.stringify(runtime)};` +
    `const $RefreshModule$ = ${REFRESH}(${JSON.stringify(url)}, import.meta.hot);` +
    'const $RefreshReg$ = $RefreshModule$.register, $RefreshSig$ = $RefreshModule$.signature;';
  // A module without exports (main.tsx) is never a boundary: its change reaches the page, as without React.
  const footer = hasExports ? '\n$RefreshModule$.acceptExports(import.meta.url);\n' : '\n';
  const body = code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
  return `${prelude}${body}${footer}`;
}

/** Whether the module exports anything at run time (type-only exports are gone after oxc). */
async function hasExports(code: string): Promise<boolean> {
  const { parse } = await lexerReady();
  const [, exports] = parse(code);
  return exports.length > 0;
}

export const refreshStep: TransformStep = {
  name: 'react-refresh',
  applies: refreshApplies,
  async transform(input, context) {
    oxc ??= import('oxc-transform');
    const { transform } = await oxc;
    const result = await transform(input.url, input.code, options(input, context));
    const errors = result.errors.filter((error) => error.severity === 'Error');
    if (errors.length > 0) throw new RefreshTransformError(input, errors);
    // The esbuild step after this one chains the map, so the served module maps to the .tsx source. The
    // prelude shares the first line: only that line's columns are off.
    const map = result.map ? JSON.stringify(result.map) : undefined;
    return { ...input, code: wrap(result.code, input.url, await hasExports(result.code)), lang: 'js', map };
  },
};

/** Where an oxc error is, as esbuild reports locations: 1-based line, 0-based column, the line's text. */
export interface RefreshErrorLocation {
  file: string;
  line: number;
  column: number;
  length: number;
  lineText: string;
}

/**
 * A syntax or type-stripping error, shaped like esbuild's transform failure (`errors` of esbuild
 * `Message`s: text, location with `file` = the module's URL path), so the caller reports both alike.
 */
export class RefreshTransformError extends Error {
  readonly errors: Array<{ text: string; location: RefreshErrorLocation | null; notes: Array<{ text: string }> }>;

  constructor(input: ModuleInput, errors: OxcError[]) {
    super(`${input.url}: ${errors[0]?.message ?? 'transform failed'}`);
    this.name = 'RefreshTransformError';
    this.errors = errors.map((error) => ({
      text: error.message,
      location: locate(input, error),
      notes: error.helpMessage ? [{ text: error.helpMessage }] : [],
    }));
  }
}

function locate(input: ModuleInput, error: OxcError): RefreshErrorLocation | null {
  const label = error.labels[0];
  if (!label) return null;
  // oxc's offsets count UTF-8 bytes.
  const bytes = Buffer.from(input.code);
  const before = bytes.subarray(0, label.start).toString();
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = input.code.indexOf('\n', lineStart);
  const lineText = input.code.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  return {
    file: input.url,
    line: before.split('\n').length,
    column: before.length - lineStart,
    length: bytes.subarray(label.start, label.end).toString().length,
    lineText,
  };
}
