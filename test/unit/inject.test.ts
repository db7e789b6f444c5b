import { describe, expect, it } from 'vitest';
import { injectTag } from '../../src/server/inject.js';

const TAG = '<script type="module" src="/__devpush/client.js"></script>';

describe('injectTag', () => {
  it('goes before </head>', () => {
    expect(injectTag('<html><head><title>x</title></head><body></body></html>', TAG)).toBe(
      `<html><head><title>x</title>${TAG}</head><body></body></html>`,
    );
  });

  it('ignores a </head> inside a comment', () => {
    const html = '<html><head><!-- </head> --></head><body></body></html>';
    expect(injectTag(html, TAG)).toBe(`<html><head><!-- </head> -->${TAG}</head><body></body></html>`);
  });

  it('ignores a </head> inside a script body', () => {
    const html = '<head><script>const s = "</head>";</script></head><body></body>';
    expect(injectTag(html, TAG)).toBe(`<head><script>const s = "</head>";</script>${TAG}</head><body></body>`);
  });

  it('ignores </head> and </body> inside attribute values, quoted either way', () => {
    const html = `<head><meta content="</head>"><meta content='</body>'></head><body></body>`;
    expect(injectTag(html, TAG)).toBe(
      `<head><meta content="</head>"><meta content='</body>'>${TAG}</head><body></body>`,
    );
  });

  it('handles an unquoted attribute with an apostrophe', () => {
    const html = `<head><meta name=it's></head>`;
    expect(injectTag(html, TAG)).toBe(`<head><meta name=it's>${TAG}</head>`);
  });

  it('uses the last </body> when there is no head', () => {
    const html = '<body><p>a</p><template></body></template></body>';
    const out = injectTag(html, TAG);
    expect(out.endsWith(`${TAG}</body>`)).toBe(true);
    expect(out.split(TAG)).toHaveLength(2);
  });

  it('appends to a fragment with neither head nor body', () => {
    expect(injectTag('<p>hello</p>', TAG)).toBe(`<p>hello</p>${TAG}`);
  });

  it('is case-insensitive about tags', () => {
    expect(injectTag('<HTML><HEAD></HEAD><BODY></BODY></HTML>', TAG)).toBe(
      `<HTML><HEAD>${TAG}</HEAD><BODY></BODY></HTML>`,
    );
  });

  it('keeps a byte order mark first', () => {
    const out = injectTag('\uFEFF<head></head>', TAG);
    expect(out).toBe(`\uFEFF<head>${TAG}</head>`);
  });

  it('skips style and textarea contents', () => {
    const html = '<head><style>/* </head> */</style></head><body><textarea></body></textarea></body>';
    const out = injectTag(html, TAG);
    expect(out).toBe(`<head><style>/* </head> */</style>${TAG}</head><body><textarea></body></textarea></body>`);
  });

  it('does not add a second client to a page that already has the snippet', () => {
    const html = `<head><script type="module" src="http://localhost:4800/__devpush/client.js"></script></head>`;
    expect(injectTag(html, TAG)).toBe(html);
  });

  it('goes before a comment, tag or attribute that never closes (after it, the tag would be dead)', () => {
    expect(injectTag('<p><!-- never closed', TAG)).toBe(`<p>${TAG}<!-- never closed`);
    expect(injectTag('<div class="x', TAG)).toBe(`${TAG}<div class="x`);
    expect(injectTag('<p>text<script>never closed', TAG)).toBe(`<p>text${TAG}<script>never closed`);
  });

  // Shrunk by the fuzz test (inject.fuzz.test.ts).
  it('goes before a start tag whose quoted attribute never closes', () => {
    expect(injectTag("<p class='", TAG)).toBe(`${TAG}<p class='`);
  });

  it('reads =" inside an unquoted attribute value as plain characters, as the HTML tokenizer does', () => {
    expect(injectTag('<div title=a="b>x</body>', TAG)).toBe(`<div title=a="b>x${TAG}</body>`);
    // ...but a quote right after the next attribute's = opens a value that never closes here.
    const html = `<div title= title=" '="><a title="`;
    expect(injectTag(html, TAG)).toBe(`${TAG}${html}`);
  });

  it('reads a tag name to its first space, as the tokenizer does: `=` in it assigns nothing', () => {
    expect(injectTag('<a<="<a title=">', TAG)).toBe(`${TAG}<a<="<a title=">`);
  });

  it('reads `</` and no letter as a bogus comment that ends at the first >', () => {
    expect(injectTag('<//<!--="--><a title=">', TAG)).toBe(`<//<!--="-->${TAG}<a title=">`);
  });

  it('reads an end tag with attributes as the tokenizer does: a quote can hide its >', () => {
    expect(injectTag('</a<a title=">', TAG)).toBe(`${TAG}</a<a title=">`);
  });
});
