// Non-JS files imported from a module: JSON becomes its value, any other file its URL (as Vite does).
import type { TransformStep } from './steps.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval'.split(
    ' ',
  ),
);

/** `import { version } from './package.json'`: each top-level key that can be a name is also a named export. */
function namedExports(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  const names = Object.keys(value).filter((key) => IDENTIFIER.test(key) && !RESERVED.has(key));
  return names
    .map((name) => `export const ${name} = ${JSON.stringify((value as Record<string, unknown>)[name])};\n`)
    .join('');
}

export const jsonStep: TransformStep = {
  name: 'json',
  applies: (input) => input.lang === 'json',
  async transform(input) {
    // Parsed first so a broken file is reported as the JSON error it is.
    const value: unknown = JSON.parse(input.code);
    return { ...input, code: `export default ${JSON.stringify(value)};\n${namedExports(value)}`, lang: 'js' };
  },
};

export const assetStep: TransformStep = {
  name: 'asset',
  applies: (input) => input.lang === 'asset',
  async transform(input) {
    return { ...input, code: `export default ${JSON.stringify(input.url)};\n`, lang: 'js' };
  },
};
