// Imports with a query (see queries.ts) become their value at the front of the list: `?raw` the file's
// text, `?url` its served URL, `?inline` a stylesheet's text with its `@import`s inlined (not applied to
// the page), `?worker` a function that starts the file as a module worker (the worker's own URL is
// served as a module).
import { createHash } from 'node:crypto';
import { IMPORT_PARAM } from '../protocol.js';
import { scopeCssModule } from './css-modules.js';
import { bundleCss } from './css-step.js';
import type { ModuleInput, TransformStep } from './steps.js';

function exportDefault(input: ModuleInput, value: string): ModuleInput {
  return { ...input, code: `export default ${JSON.stringify(value)};\n`, lang: 'js', query: null, map: undefined };
}

export const rawStep: TransformStep = {
  name: 'raw',
  applies: (input) => input.query === 'raw',
  transform: async (input) => exportDefault(input, input.code),
};

export const urlStep: TransformStep = {
  name: 'url',
  applies: (input) => input.query === 'url',
  async transform(input) {
    // The URL never changes; the file's hash in a comment moves the module's version when the file does.
    const output = exportDefault(input, input.url);
    const hash = createHash('sha256').update(input.code).digest('hex').slice(0, 16);
    return { ...output, code: `${output.code}// file ${hash}\n` };
  },
};

export const inlineStep: TransformStep = {
  name: 'inline',
  applies: (input) => input.query === 'inline',
  async transform(input, context) {
    if (input.lang !== 'css')
      throw new Error(`${input.url}?inline: only stylesheets can be inlined; use ?raw for text`);
    // As Vite gives it: one string with the `@import`s inlined and `url()`s pointing at served paths
    // (a CSS module's classes scoped, as they would be applied).
    const { css, inputs } = await bundleCss(input, context);
    const options = context.config.css.modules;
    if (!/\.module\.css$/i.test(input.file) || !options) return { ...exportDefault(input, css), inputs };
    const scoped = await scopeCssModule(css, input.file, context.root, options);
    return { ...exportDefault(input, scoped.css), inputs: [...inputs, ...scoped.composedFrom] };
  },
};

export const workerStep: TransformStep = {
  name: 'worker',
  applies: (input) => input.query === 'worker',
  async transform(input) {
    const url = JSON.stringify(`${encodeURI(input.url)}?${IMPORT_PARAM}`);
    const code = `export default function WorkerWrapper(options) {\n  return new Worker(new URL(${url}, import.meta.url), { type: 'module', name: options?.name });\n}\n`;
    return { ...input, code, lang: 'js', query: null, map: undefined };
  },
};
