// The entry module of one pre-bundled package. esbuild gives a CommonJS package only a default export in
// ESM output, so for those the names are read with cjs-module-lexer (what Node itself uses for
// `import { x } from 'cjs'`), following `module.exports = require(...)` re-exports, and exported by name.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { lexerReady } from './lexer.js';

type CjsLexer = typeof import('cjs-module-lexer');
let cjsLexer: Promise<CjsLexer> | null = null;
/** cjs-module-lexer, loaded and ready with the first package that needs a wrapper, not at start-up. */
const cjsLexerReady = () =>
  (cjsLexer ??= import('cjs-module-lexer').then(async (loaded) => {
    await loaded.init();
    return loaded;
  }));

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  'default break case catch class const continue debugger delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await'.split(
    ' ',
  ),
);

/** Names a CommonJS file exports, its re-exports followed (bounded, cycles skipped). */
async function cjsNames(file: string, seen = new Set<string>()): Promise<Set<string>> {
  const names = new Set<string>();
  if (seen.has(file) || seen.size > 50) return names;
  seen.add(file);
  const { parse } = await cjsLexerReady();
  const { exports, reexports } = parse(await readFile(file, 'utf8'));
  for (const name of exports) names.add(name);
  const require = createRequire(file);
  for (const reexport of reexports) {
    try {
      for (const name of await cjsNames(require.resolve(reexport), seen)) names.add(name);
    } catch {
      // A re-export that does not resolve in Node (a browser-only branch): its names stay unknown.
    }
  }
  return names;
}

export async function cjsWrapper(specifier: string, root: string, bundledFile?: string): Promise<string> {
  const quoted = JSON.stringify(specifier);
  let file: string;
  try {
    file = bundledFile ?? createRequire(path.join(root, 'package.json')).resolve(specifier);
  } catch {
    return `export * from ${quoted};`; // ESM-only (no "require" condition): esbuild keeps its exports
  }
  const [, esm] = await Promise.all([cjsLexerReady(), lexerReady()]);
  const source = await readFile(file, 'utf8');
  const [, esmExports, , hasModuleSyntax] = esm.parse(source);
  if (hasModuleSyntax) {
    const hasDefault = esmExports.some((entry) => 'name' in entry && entry.name === 'default');
    return `export * from ${quoted};${hasDefault ? `export { default } from ${quoted};` : ''}`;
  }
  const names = [...(await cjsNames(file))].filter((name) => IDENTIFIER.test(name) && !RESERVED.has(name));
  const named = names.length ? `export const { ${names.join(', ')} } = __cjs;` : '';
  return `import __cjs from ${quoted};export default __cjs;${named}`;
}
