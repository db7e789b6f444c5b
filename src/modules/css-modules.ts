// `*.module.css` as Vite scopes it: postcss-modules (the library Vite uses) with the project's
// `css.modules` options, so class names follow `generateScopedName` and the exported keys follow
// `localsConvention`. It runs on the stylesheet after esbuild has inlined its `@import`s (as Vite runs
// postcss-import first), so imported rules are scoped too.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CssModulesOptions } from '../config/types.js';
import { isInside } from '../fs/inside.js';
import { HOT_WARNING_EVENT } from '../protocol.js';

type Postcss = typeof import('postcss')['default'];
type PostcssModules = typeof import('postcss-modules');
let libraries: Promise<[Postcss, PostcssModules]> | null = null;

export interface ScopedCss {
  css: string;
  /** Exported key → the scoped class name(s) it stands for. */
  classes: Record<string, string>;
  /** Files read for `composes: … from` and `@value … from`: their saves re-run this module. */
  composedFrom: string[];
}

/** Where `composes: a from './b.module.css'` (or a package path) points; never outside the served folder. */
function composedFile(specifier: string, importer: string, root: string): string {
  const file =
    specifier.startsWith('.') || path.isAbsolute(specifier)
      ? path.resolve(path.dirname(importer), specifier)
      : createRequire(importer).resolve(specifier);
  if (!isInside(root, file))
    throw new Error(
      `${path.relative(root, importer)} composes from "${specifier}", which is outside the served folder`,
    );
  return file;
}

export async function scopeCssModule(
  css: string,
  file: string,
  root: string,
  options: Readonly<CssModulesOptions>,
): Promise<ScopedCss> {
  libraries ??= Promise.all([import('postcss'), import('postcss-modules')]).then(
    ([a, b]): [Postcss, PostcssModules] => [a.default, b.default as unknown as PostcssModules],
  );
  const [postcss, postcssModules] = await libraries;
  let classes: Record<string, string> = {};
  const composedFrom = new Set<string>();
  const plugin = postcssModules({
    ...options,
    getJSON: (_file, json) => {
      classes = json;
    },
    resolve: (specifier, importer) => {
      const found = composedFile(specifier, importer, root);
      composedFrom.add(found);
      return found;
    },
  });
  // Plugins before postcss-modules run on composed files too: their url()s are made root paths as well.
  const result = await postcss([rebaseComposedUrls(root), plugin]).process(css, { from: file });
  return { css: result.css, classes, composedFrom: [...composedFrom] };
}

const URL_TOKEN = /\burl\(\s*(['"]?)([^'")\s]+)\1\s*\)/g;
/** What a rebase leaves alone: other origins, data and blob URLs, fragments, root paths (the module's own, rebased by esbuild). */
const KEEP_URL = /^([a-z][a-z0-9+.-]*:|\/\/|#|\/)/i;

/** `url(./dot.svg)` in a file pulled in by `composes … from` → its URL path from the root (a <style> resolves against the page). */
function rebaseComposedUrls(root: string): import('postcss').Plugin {
  return {
    postcssPlugin: 'devpush-composed-urls',
    Declaration(decl) {
      const from = decl.source?.input.file;
      if (!from || !decl.value.includes('url(')) return;
      decl.value = decl.value.replace(URL_TOKEN, (whole, _quote: string, url: string) => {
        if (KEEP_URL.test(url)) return whole;
        const inside = path
          .relative(root, path.resolve(path.dirname(from), url))
          .split(path.sep)
          .join('/');
        return `url(/${inside})`;
      });
    },
  };
}

/** Keys a probe may read off any object (promises, JSON, React, test matchers): never a missing class. */
const PROBES = new Set(['then', 'toJSON', 'asymmetricMatch', 'nodeType', 'tagName', 'length', 'prototype']);

/**
 * The lines that export a CSS module's class names: the default object (a Proxy that warns, once per
 * name, when the page reads a class the file does not define) and each key as a named export too.
 */
export function classExports(url: string, classes: Record<string, string>): string[] {
  const names = Object.keys(classes).filter((name) => name !== 'default');
  const warning = `${url} defines no class `;
  const lines = [
    `const __devpush_classes = ${JSON.stringify(classes)};`,
    `const __devpush_probes = new Set(${JSON.stringify([...PROBES])});`,
    'const __devpush_warned = new Set();',
    'const classes = new Proxy(__devpush_classes, {',
    '  get(target, key) {',
    "    if (typeof key === 'string' && !(key in target) && !/^(__|\\$\\$|@@)/.test(key) && !__devpush_probes.has(key) && !__devpush_warned.has(key)) {",
    '      __devpush_warned.add(key);',
    `      const message = ${JSON.stringify(warning)} + JSON.stringify(key) + " (it reads as undefined). Its classes: " + (Object.keys(target).join(", ") || "none") + ".";`,
    "      console.warn('[devpush] ' + message);",
    `      import.meta.hot?.send(${JSON.stringify(HOT_WARNING_EVENT)}, { message });`,
    '    }',
    '    return Reflect.get(target, key);',
    '  },',
    '});',
    'export default classes;',
  ];
  // Every class is a named export too, under its own name even when it is no identifier ("card-box").
  lines.push(...names.map((name, i) => `const __devpush_c${i} = __devpush_classes[${JSON.stringify(name)}];`));
  if (names.length)
    lines.push(`export { ${names.map((name, i) => `__devpush_c${i} as ${JSON.stringify(name)}`).join(', ')} };`);
  return lines;
}
