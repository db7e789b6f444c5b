import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import fc from 'fast-check';
import { parse, type DefaultTreeAdapterTypes } from 'parse5';
import { describe, expect, it } from 'vitest';
import { InjectStream } from '../../src/proxy/inject-stream.js';

// Any page, cut into chunks anywhere, as a backend streams it: the stream's output does not depend on
// where the cuts fell, and the page runs exactly one client (an HTML parser, parse5, finds one live
// client script), whether devpush injected it or a pasted snippet was there already, head or body.

const TAG = '<script type="module" src="/__devpush/client.js?v=x"></script>';
const SNIPPET = '<script type="module" crossorigin src="http://localhost:4800/__devpush/client.js"></script>';

const text = fc.stringMatching(/^[a-z <>/"'=!-]{0,12}$/);
const name = fc.constantFrom('div', 'p', 'a', 'meta', 'span', 'html', 'head', 'body', 'b');
const rawText = fc.constantFrom('script', 'style', 'textarea', 'title', 'noscript');
const piece = fc.oneof(
  text,
  name.map((n) => `<${n}>`),
  name.map((n) => `</${n}>`),
  text.map((t) => `<!--${t.replaceAll('-->', '')}-->`),
  fc.tuple(rawText, text).map(([n, t]) => `<${n}>${t.replaceAll(`</${n}`, '')}</${n}>`),
  fc.constantFrom('</head>', '</body>', '<!doctype html>'),
);
/** Pieces with at most one pasted snippet among them, anywhere (also inside a comment or raw text). */
const page = fc
  .tuple(
    fc.array(piece, { maxLength: 12 }),
    fc.option(fc.nat(), { nil: null }),
    fc.constantFrom('', '<!--', '<textarea>'),
  )
  .map(([pieces, at, wrap]) => {
    const parts = [...pieces];
    const close = wrap === '<!--' ? '-->' : wrap ? '</textarea>' : '';
    if (at !== null) parts.splice(at % (parts.length + 1), 0, `${wrap}${SNIPPET}${close}`);
    return parts.join('');
  });
const cuts = fc.array(fc.nat(), { maxLength: 6 });

async function streamed(html: string, at: number[]): Promise<string> {
  const points = [...new Set(at.map((n) => n % (html.length + 1)))].sort((a, b) => a - b);
  const chunks = [0, ...points, html.length]
    .slice(1)
    .map((end, i, ends) => html.slice(i === 0 ? 0 : ends[i - 1], end))
    .filter(Boolean);
  const stream = new InjectStream(() => TAG);
  return readText(Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'latin1'))).pipe(stream));
}

type Node = DefaultTreeAdapterTypes.Node;

function liveClients(node: Node): number {
  let found = 0;
  if ('tagName' in node && node.tagName === 'script') {
    const type = node.attrs.find((a) => a.name === 'type')?.value ?? '';
    const src = node.attrs.find((a) => a.name === 'src')?.value ?? '';
    if (type === 'module' && src.includes('/__devpush/client.js')) found++;
  }
  if ('childNodes' in node) for (const child of node.childNodes) found += liveClients(child);
  return found;
}

describe('InjectStream on any page, cut anywhere', () => {
  it('gives the same page whatever the cuts, and one live client', async () => {
    await fc.assert(
      fc.asyncProperty(page, cuts, async (html, at) => {
        const whole = await streamed(html, []);
        expect(await streamed(html, at)).toBe(whole);
        expect(liveClients(parse(whole))).toBe(1);
      }),
      { numRuns: 1500 },
    );
  });
});
