// What one entry's build serves, from memory: the bundle at the URL the page asked for, its CSS at
// `<entry>.css`, source maps beside them, and imported images and fonts under ASSET_PREFIX.
import path from 'node:path';
import type { OutputFile } from 'esbuild';
import { mimeType } from '../http/content-type.js';
import { CSP_NONCE_META, routePath } from '../protocol.js';

/** URL prefix of images, fonts and other files an entry imports (file loader), served from memory. */
export const ASSET_PREFIX = routePath('build');

/** One served file. `body()` is computed on first use: source maps are rarely fetched. */
export interface Served {
  readonly type: string;
  /** Changes exactly when the served bytes change. */
  readonly hash: string;
  body(): Uint8Array;
}

/** The files of one successful build, by URL path. */
export interface EntryOutputs {
  files: Map<string, Served>;
  /** URL paths of the outputs whose change the page must hear about (the bundle and its CSS). */
  primary: string[];
}

const JS_TYPE = 'text/javascript; charset=utf-8';
const CSS_TYPE = 'text/css; charset=utf-8';
const MAP_TYPE = 'application/json; charset=utf-8';

/** The output file names esbuild gives an entry (see entryNames in options.ts). */
export function outputNames(entryFile: string): { js: string; css: string } {
  const stem = path.join(path.dirname(entryFile), `${path.parse(entryFile).name}${ENTRY_SUFFIX}`);
  return { js: `${stem}.js`, css: `${stem}.css` };
}
/** Keeps the bundle's name apart from its source (esbuild refuses to overwrite an input, even in memory). */
export const ENTRY_SUFFIX = '.bundle';

/** Maps esbuild's in-memory output files to the URLs they are served at. */
export function collectOutputs(entryUrl: string, entryFile: string, files: readonly OutputFile[]): EntryOutputs {
  const names = outputNames(entryFile);
  const byPath = new Map(files.map((file) => [file.path, file]));
  const js = byPath.get(names.js);
  const css = byPath.get(names.css);
  const cssUrl = `${entryUrl}.css`;
  const served = new Map<string, Served>();
  const primary: string[] = [];
  if (js) {
    const jsMap = byPath.get(`${names.js}.map`);
    served.set(
      entryUrl,
      bundle(js, css ? cssUrl : null, jsMap ? `${encodeURIComponent(path.posix.basename(entryUrl))}.map` : null),
    );
    primary.push(entryUrl);
    if (jsMap) served.set(`${entryUrl}.map`, sourceMap(jsMap, css ? 1 : 0));
  }
  if (css) {
    const cssMap = byPath.get(`${names.css}.map`);
    const comment = cssMap ? `\n/*# sourceMappingURL=${encodeURIComponent(path.posix.basename(cssUrl))}.map */\n` : '';
    served.set(
      cssUrl,
      fixed(CSS_TYPE, css.hash, () => concat(css.contents, comment)),
    );
    primary.push(cssUrl);
    if (cssMap) served.set(`${cssUrl}.map`, sourceMap(cssMap, 0));
  }
  for (const file of files) {
    if (file === js || file === css || file.path.endsWith('.map')) continue;
    served.set(
      `${ASSET_PREFIX}${path.basename(file.path)}`,
      fixed(mimeType(file.path), file.hash, () => file.contents),
    );
  }
  return { files: served, primary };
}

/**
 * The <link> of an entry's stylesheet, marked so that the bundle's prelude does not add it twice; with the
 * page's style nonce when its CSP asks for one.
 */
export function entryStylesheetTag(cssUrl: string, nonce: string | null = null): string {
  const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const nonceAttribute = nonce ? ` nonce="${attribute(nonce)}"` : '';
  return `<link rel="stylesheet" href="${attribute(encodeURI(cssUrl))}" data-devpush-entry="${attribute(cssUrl)}"${nonceAttribute}>`;
}

/**
 * The bundle, preceded by one line that adds the entry's stylesheet when it has one: CSS imported by an
 * entry applies with no tag in the page, as a <link> the client can swap in place like any other (with the
 * page's style nonce, when its CSP asks for one).
 */
function bundle(js: OutputFile, cssUrl: string | null, mapName: string | null): Served {
  const prelude = cssUrl
    ? `{const h=${JSON.stringify(cssUrl)};if(!document.querySelector('link[data-devpush-entry="'+h+'"]')){` +
      `const l=document.createElement('link'),n=document.querySelector('meta[property="${CSP_NONCE_META}"]');` +
      `if(n)l.nonce=n.nonce;l.rel='stylesheet';l.href=h;l.dataset.devpushEntry=h;document.head.append(l)}}\n`
    : '';
  const trailer = mapName ? `//# sourceMappingURL=${mapName}\n` : '';
  return fixed(JS_TYPE, `${js.hash}${cssUrl ? '+css' : ''}`, () => concat(prelude, js.contents, trailer));
}

/** A source map, shifted down by the lines the prelude added so that every mapping still points right. */
function sourceMap(map: OutputFile, linesAdded: number): Served {
  return fixed(MAP_TYPE, map.hash, () => {
    if (linesAdded === 0) return map.contents;
    const json = JSON.parse(map.text) as { mappings: string };
    json.mappings = ';'.repeat(linesAdded) + json.mappings;
    return Buffer.from(JSON.stringify(json));
  });
}

function fixed(type: string, hash: string, make: () => Uint8Array): Served {
  let body: Uint8Array | null = null;
  return { type, hash, body: () => (body ??= make()) };
}

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}

/** Extensions bundled as separate files (the file loader) unless the config says otherwise; typed by mrmime. */
export const ASSET_EXTENSIONS = [
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.avif',
  '.svg',
  '.ico',
  '.bmp',
  '.woff',
  '.woff2',
  '.ttf',
  '.otf',
  '.eot',
];
