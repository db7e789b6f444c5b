// TS, JSX and `define` through esbuild's transform (one file at a time, no bundling).
import type { TransformOptions } from 'esbuild';
import type { ModuleInput, StepContext, TransformStep } from './steps.js';

type Esbuild = typeof import('esbuild');
let esbuild: Promise<Esbuild> | null = null;

function options(input: ModuleInput, context: StepContext): TransformOptions {
  const { build } = context.config;
  // Modules default to the automatic runtime (what Vite and React 17+ projects expect); esbuild's transform
  // reads no tsconfig, so the config's jsx settings are the ones that apply here.
  const jsx = build.jsx ?? 'automatic';
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
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: false, preserveValueImports: false } },
    logLevel: 'silent',
  };
}

export const esbuildStep: TransformStep = {
  name: 'esbuild',
  applies: (input) => input.lang === 'ts' || input.lang === 'tsx' || input.lang === 'jsx' || input.lang === 'js',
  async transform(input, context) {
    esbuild ??= import('esbuild');
    // A map from an earlier step is chained by esbuild when it comes inline with the code.
    const code = input.map
      ? `${input.code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(input.map).toString('base64')}\n`
      : input.code;
    const result = await (await esbuild).transform(code, options(input, context));
    return { ...input, code: result.code, lang: 'js', map: undefined };
  },
};
