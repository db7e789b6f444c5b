// CSS imported from a module (`import './card.css'`) becomes a module that hands its text to the hot
// runtime's `updateStyle`: one <style> per file, whose text a save replaces in place (no reload, no flash).
// `*.module.css` is scoped by postcss-modules (css-modules.ts): its module exports the class names too.
//
// esbuild bundles the file, so `@import`s are inlined, nesting is lowered for the target, and `url()`s
// are rewritten to URL paths from the root: in a <style> element a relative URL would resolve against
// the page, not against the CSS file. A stylesheet with none of these is only transformed (`bundleCss`).
import path from 'node:path';
import type { Metafile, Plugin } from 'esbuild';
import { classExports, scopeCssModule } from './css-modules.js';
import type { ModuleInput, StepContext, TransformStep } from './steps.js';
import { esbuildService } from '../esbuild.js';

const CSS_MODULE = /\.module\.css$/i;
/** What `url()` leaves alone: other origins, data and blob URLs, fragments (SVG filters), root paths. */
const KEEP_URL = /^([a-z][a-z0-9+.-]*:|\/\/|#|\/)/i;

/** Rewrites each `url()` of the stylesheet (and of its `@import`s) to the referenced file's URL path. */
function rebaseUrls(root: string): Plugin {
  return {
    name: 'devpush-css-urls',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'url-token') return undefined;
        if (KEEP_URL.test(args.path)) return { path: args.path, external: true };
        const file = path.resolve(path.dirname(args.importer), args.path.replace(/[?#].*$/, ''));
        const suffix = args.path.slice(args.path.replace(/[?#].*$/, '').length);
        const inside = path.relative(root, file).split(path.sep).join('/');
        return { path: `/${inside}${suffix}`, external: true };
      });
    },
  };
}

/** What only a bundle can do: inline an `@import`, rebase a `url()` (or an `image-set()` string). */
const NEEDS_BUNDLE = /@import|url\(|image-set\(/i;

/**
 * The stylesheet with its `@import`s inlined and its `url()`s rebased, and the files it was made from.
 * A CSS module is bundled as plain CSS (its `:global`, `composes` and `@value` kept for postcss-modules).
 * A stylesheet with nothing to inline or rebase is only transformed (lowered for the target, printed the
 * same way): a build with the rebasing plugin costs 3–7 ms here against 1 ms, on every save of it.
 */
export async function bundleCss(input: ModuleInput, context: StepContext): Promise<{ css: string; inputs: string[] }> {
  if (!NEEDS_BUNDLE.test(input.code)) {
    const result = await esbuildService.use((esbuild) =>
      esbuild.transform(input.code, {
        loader: 'css',
        sourcefile: path.relative(context.root, input.file).split(path.sep).join('/'),
        target: context.config.build.target as string | string[],
        logLevel: 'silent',
      }),
    );
    return { css: result.code, inputs: [] };
  }
  const result = await esbuildService.use((esbuild) =>
    esbuild.build({
      entryPoints: [input.file],
      absWorkingDir: context.root,
      bundle: true,
      write: false,
      outdir: context.root,
      loader: { '.module.css': 'css' },
      target: context.config.build.target as string | string[],
      plugins: [rebaseUrls(context.root)],
      metafile: true,
      logLevel: 'silent',
    }),
  );
  const css = result.outputFiles.find((output) => output.path.endsWith('.css'))?.text ?? '';
  return { css: stripFileComments(css), inputs: importedFiles(result.metafile, input.file, context.root) };
}

/** The module the page runs: its style owned by the hot runtime, its class names if it is a CSS module. */
export function cssModuleCode(
  url: string,
  hotUrl: string,
  css: string,
  classes: Record<string, string> | null,
): string {
  const lines = [
    `import { updateStyle as __devpush_updateStyle, removeStyle as __devpush_removeStyle } from ${JSON.stringify(hotUrl)};`,
    `const __devpush_id = ${JSON.stringify(url)};`,
    `__devpush_updateStyle(__devpush_id, ${JSON.stringify(css)});`,
  ];
  if (classes) lines.push(...classExports(url, classes));
  lines.push(
    'if (import.meta.hot) {',
    // New rules replace the old in place. A CSS module whose class names changed gives the update to its
    // importers, which re-run with the new names; same names: nothing else needs to run.
    classes
      ? `  import.meta.hot.accept((next) => { if (!next || JSON.stringify(next.default) !== ${JSON.stringify(JSON.stringify(classes))}) import.meta.hot.invalidate("its class names changed"); });`
      : '  import.meta.hot.accept();',
    '  import.meta.hot.prune(() => __devpush_removeStyle(__devpush_id));',
    '}',
  );
  return `${lines.join('\n')}\n`;
}

export const cssStep: TransformStep = {
  name: 'css',
  applies: (input) => input.lang === 'css',
  async transform(input, context) {
    const bundled = await bundleCss(input, context);
    const options = context.config.css.modules;
    if (!CSS_MODULE.test(input.file) || !options) {
      const code = cssModuleCode(input.url, context.hotUrl, bundled.css, null);
      return { ...input, code, lang: 'js', inputs: bundled.inputs, style: bundled.css };
    }
    const scoped = await scopeCssModule(bundled.css, input.file, context.root, options);
    const code = cssModuleCode(input.url, context.hotUrl, scoped.css, scoped.classes);
    return { ...input, code, lang: 'js', inputs: [...bundled.inputs, ...scoped.composedFrom] };
  },
};

/** The stylesheets the file `@import`s: their saves re-run this module. */
function importedFiles(metafile: Metafile | undefined, file: string, root: string): string[] {
  return Object.keys(metafile?.inputs ?? {})
    .map((input) => path.resolve(root, input))
    .filter((input) => input !== file && /\.css$/i.test(input));
}

/** esbuild heads each bundled file with a comment naming its path relative to the root: not for pages. */
function stripFileComments(css: string): string {
  return css.replace(/^\/\* [^*\n]+ \*\/\n/gm, '');
}
