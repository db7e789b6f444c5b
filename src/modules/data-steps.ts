// Non-JS files imported from a module: JSON becomes its value, any other file its URL (as Vite does).
import type { TransformStep } from './steps.js';

export const jsonStep: TransformStep = {
  name: 'json',
  applies: (input) => input.lang === 'json',
  async transform(input) {
    // Parsed first so a broken file is reported as the JSON error it is.
    const value: unknown = JSON.parse(input.code);
    return { ...input, code: `export default ${JSON.stringify(value)};\n`, lang: 'js' };
  },
};

export const assetStep: TransformStep = {
  name: 'asset',
  applies: (input) => input.lang === 'asset',
  async transform(input) {
    return { ...input, code: `export default ${JSON.stringify(input.url)};\n`, lang: 'js' };
  },
};
