import fc from 'fast-check';
import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import { describe, expect, it } from 'vitest';
import { injectTag } from '../../src/server/inject.js';

// Any page: its bytes are kept as they were, and the client tag lands where a browser runs it (an
// HTML parser, parse5, finds it as a script element in the document), or it was there already.

const SRC = '/__devpush/client.js?v=x';
const TAG = `<script type="module" src="${SRC}"></script>`;

const text = fc.stringMatching(/^[a-z <>/"'=!-]{0,12}$/);
const name = fc.constantFrom('div', 'p', 'a', 'meta', 'span', 'html', 'head', 'body', 'b');
const rawText = fc.constantFrom('script', 'style', 'textarea', 'title', 'noscript', 'xmp');
const attribute = fc
  .tuple(fc.constantFrom('title', 'content', 'data-x'), fc.constantFrom('"', "'", ''), text)
  .map(
    ([key, quote, value]) =>
      ` ${key}=${quote}${quote ? value.replaceAll(quote, '') : value.replace(/[\s>"'=<`]/g, '')}${quote}`,
  );
const piece = fc.oneof(
  text,
  name.map((n) => `<${n}>`),
  name.map((n) => `</${n}>`),
  fc.tuple(name, fc.array(attribute, { maxLength: 2 })).map(([n, attrs]) => `<${n}${attrs.join('')}>`),
  text.map((t) => `<!--${t.replaceAll('-->', '')}-->`),
  fc.tuple(rawText, text).map(([n, t]) => `<${n}>${t.replaceAll(`</${n}`, '')}</${n}>`),
  fc.constantFrom('</head>', '</body>', '<!doctype html>', '<br/>', '<?x?>'),
);
/** A page, possibly ending in something never closed: a comment, an attribute value, a raw-text element. */
const unterminated = fc.oneof(
  fc.constant(''),
  text.map((t) => `<!--${t.replaceAll('--', '')}`),
  text.map((t) => `<a title="${t.replaceAll('"', '')}`),
  text.map((t) => `<p class='${t.replaceAll("'", '')}`),
  fc.tuple(rawText, text).map(([n, t]) => `<${n}>${t.replaceAll('<', '')}`),
);
const page = fc.tuple(fc.array(piece, { maxLength: 12 }), unterminated).map(([pieces, end]) => pieces.join('') + end);

type Node = DefaultTreeAdapterTypes.Node;

function liveScripts(node: Node): string[] {
  const found: string[] = [];
  if ('tagName' in node && node.tagName === 'script' && node.namespaceURI === 'http://www.w3.org/1999/xhtml') {
    const src = node.attrs.find((a) => a.name === 'src')?.value;
    if (src) found.push(src);
  }
  if ('childNodes' in node) for (const child of node.childNodes) found.push(...liveScripts(child));
  return found;
}

function checkInjection(html: string): void {
  const out = injectTag(html, TAG);
  const at = out.indexOf(TAG);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(out.slice(0, at) + out.slice(at + TAG.length)).toBe(html);
  expect(liveScripts(parse(out))).toContain(SRC);
}

describe('injectTag on any page', () => {
  it('keeps the bytes and places a live tag', () => {
    fc.assert(fc.property(page, checkInjection), { numRuns: 2000 });
  });
});
