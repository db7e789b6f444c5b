// `import.meta.env` in a module: bound, on the module's first line (its line numbers hold), to the env
// route's default export. The values are not in the module's bytes, so its version (and immutable cache)
// never depends on them, and the next load after a `.env` edit reads the new ones.
import { ENV_BINDING, routePath } from '../protocol.js';
import type { TransformStep } from './steps.js';

const USES_ENV = /\bimport\.meta\.env\b/;

export const envStep: TransformStep = {
  name: 'env',
  applies: (input) => input.lang === 'js' && USES_ENV.test(input.code),
  async transform(input) {
    const prelude = `import ${ENV_BINDING} from ${JSON.stringify(routePath('env'))};import.meta.env = ${ENV_BINDING};`;
    return { ...input, code: prelude + input.code };
  },
};
