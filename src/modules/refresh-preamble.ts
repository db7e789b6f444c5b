// Two small steps around React Refresh for the modules the refresh step does not touch.
// - The preamble: react-dom looks for the refresh hook once, when it loads. A .ts or .js module that
//   imports react-dom (a `main.ts` entry) would load it before any .tsx module had installed the hook, so
//   it imports the glue first itself, as every refreshed module does.
// - The hint: a React project without react-refresh gets no Fast Refresh; the terminal says so once
//   instead of leaving the user to wonder why every component save reloads the page.
import { routePath } from '../protocol.js';
import { importSites, lexerReady } from './lexer.js';
import { REFRESH_RUNTIME, reactJsx, refreshApplies } from './refresh-step.js';
import type { TransformStep } from './steps.js';

const REACT_DOM = /^react-dom(\/|$)/;

async function importsReactDom(code: string): Promise<boolean> {
  // Most modules never name it: no lexer pass for them.
  if (!code.includes('react-dom')) return false;
  await lexerReady();
  return importSites(code).some((site) => REACT_DOM.test(site.specifier));
}

/** After esbuild: plain modules of a refreshing project that import react-dom get the glue on line 1. */
export const refreshPreambleStep: TransformStep = {
  name: 'react-refresh-preamble',
  applies: (input, context) =>
    input.lang === 'js' &&
    !/\.(jsx|tsx)$/i.test(input.file) &&
    context.hasPackage('react') &&
    context.hasPackage('react-refresh'),
  async transform(input) {
    if (!(await importsReactDom(input.code))) return null;
    // One line, no newline: the module's line numbers and its source map hold.
    const preamble = `import ${JSON.stringify(REFRESH_RUNTIME)};import ${JSON.stringify(routePath('refresh'))};`;
    return { ...input, code: preamble + input.code };
  },
};

/** Before the refresh step: JSX of a React project that cannot refresh is reported, once per run. */
export const refreshMissingStep: TransformStep = {
  name: 'react-refresh-missing',
  applies: (input, context) =>
    reactJsx(input, context) && context.hasPackage('react') && !refreshApplies(input, context),
  async transform(_input, context) {
    context.noticeOnce(
      'React Fast Refresh is off: this project has react but not react-refresh, so a component save reloads the page. Run: npm i -D react-refresh',
    );
    return null;
  },
};
