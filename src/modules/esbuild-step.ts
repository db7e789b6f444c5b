// TS, JSX and `define` through esbuild's transform (one file at a time, no bundling).
import type { TransformOptions } from 'esbuild';
import { compilerOptionsFor } from '../bundle/tsconfig.js';
import type { ModuleInput, StepContext, TransformStep } from './steps.js';
import { esbuildService } from '../esbuild.js';

function options(input: ModuleInput, context: StepContext): TransformOptions {
  const { build } = context.config;
  // esbuild's transform reads no tsconfig: the one governing this file (tsconfig.app.json in Vite's
  // templates) is handed over as tsconfigRaw. The config's jsx settings win; without either, modules use
  // the automatic runtime (what Vite and React 17+ projects expect).
  const {
    jsx: tsJsx,
    jsxImportSource,
    jsxFactory,
    jsxFragmentFactory,
    experimentalDecorators,
    useDefineForClassFields,
  } = compilerOptionsFor(input.file, context.root)?.options ?? {};
  const fromTsconfig = {
    jsx: tsJsx,
    jsxImportSource,
    jsxFactory,
    jsxFragmentFactory,
    experimentalDecorators,
    useDefineForClassFields,
  };
  const jsx = build.jsx ?? (tsJsx ? undefined : 'automatic');
  return {
    loader: input.lang === 'js' ? 'jsx' : (input.lang as 'ts' | 'tsx' | 'jsx'),
    format: 'esm',
    target: build.target as string | string[],
    define: { 'process.env.NODE_ENV': '"development"', ...build.define },
    sourcemap: build.sourcemap ? 'inline' : false,
    sourcefile: input.url,
    jsx,
    jsxImportSource: build.jsxImportSource ?? undefined,
    jsxFactory: build.jsxFactory ?? undefined,
    jsxFragment: build.jsxFragment ?? undefined,
    // Each module is its own ES module: keep imports the user wrote, types stripped.
    tsconfigRaw: {
      compilerOptions: {
        ...(fromTsconfig as NonNullable<Exclude<TransformOptions['tsconfigRaw'], string>>['compilerOptions']),
        verbatimModuleSyntax: false,
        preserveValueImports: false,
      },
    },
    logLevel: 'silent',
  };
}

export const esbuildStep: TransformStep = {
  name: 'esbuild',
  applies: (input) => input.lang === 'ts' || input.lang === 'tsx' || input.lang === 'jsx' || input.lang === 'js',
  async transform(input, context) {
    // A map from an earlier step is chained by esbuild when it comes inline with the code.
    const code = input.map
      ? `${input.code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(input.map).toString('base64')}\n`
      : input.code;
    const result = await esbuildService.use((esbuild) => esbuild.transform(code, options(input, context)));
    return { ...input, code: result.code, lang: 'js', map: undefined };
  },
};
