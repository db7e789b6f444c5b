import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import type { ProxyRule } from '../../src/config/types.js';
import { amendCsp } from '../../src/proxy/csp.js';
import { responseHeaders, rewriteCookie, rewriteLocation } from '../../src/proxy/headers.js';
import { INERT_SNIPPET, InjectStream } from '../../src/proxy/inject-stream.js';
import { matchRule } from '../../src/proxy/rules.js';

const TAG = '<script src="/__devpush/client.js"></script>';
const OWN = { origin: 'http://localhost:4800', nonce: 'OURS' };
const ORIGINS = { devpush: 'http://localhost:4800', backend: new URL('http://127.0.0.1:8000') };

/** Runs chunks through an InjectStream, as latin1 bytes; records what had come out after each chunk. */
async function inject(chunks: string[]): Promise<{ out: string; seenBy: string[] }> {
  const seenBy: string[] = [];
  const stream = new InjectStream((seen) => {
    seenBy.push(seen);
    return TAG;
  });
  const out = text(Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))).pipe(stream));
  return { out: Buffer.from(await out, 'utf8').toString(), seenBy };
}

describe('InjectStream', () => {
  it('places the tag before </head> split over chunks, and never inside </header>', async () => {
    const { out } = await inject(['<html><head><title>x</title></he', 'ad><body><header>', '</header></body></html>']);
    expect(out).toBe(`<html><head><title>x</title>${TAG}</head><body><header></header></body></html>`);
    const early = await inject(['<html><body></head', 'er></body></html>']);
    expect(early.out).toBe(`<html><body></header>${TAG}</body></html>`);
  });

  it('skips a </head> in a comment or a script, as the page scanner does', async () => {
    const { out } = await inject(['<head><!-- </head> --><script>"</head>"</script>', '</head><body></body>']);
    expect(out).toBe(`<head><!-- </head> --><script>"</head>"</script>${TAG}</head><body></body>`);
  });

  it('leaves a page that has the client (a pasted snippet) alone', async () => {
    const html = '<head><script type="module" src="http://localhost:4800/__devpush/client.js"></script></head>';
    expect((await inject([html])).out).toBe(html);
  });

  it('makes a snippet pasted below the head inert, even split over chunks, and keeps the rest', async () => {
    const snippet = '<script type="module" crossorigin src="http://localhost:4800/__devpush/client.js"></script>';
    const html = `<html><head><title>x</title></head><body><p>a</p>${snippet}<p>b</p></body></html>`;
    const inert = `<html><head><title>x</title>${TAG}</head><body><p>a</p>${INERT_SNIPPET}</script><p>b</p></body></html>`;
    expect((await inject([html])).out).toBe(inert);
    // Cut at every position: the snippet's tag, its end tag or a lone `<` may end a chunk.
    for (let cut = html.indexOf('<body'); cut < html.length; cut++) {
      expect((await inject([html.slice(0, cut), html.slice(cut)])).out).toBe(inert);
    }
  });

  it('leaves the marker alone in a comment or a script text below the head', async () => {
    const html =
      '<head></head><body><!-- <script src="/__devpush/client.js"></script> --><script>"<script src=/__devpush/client.js>"</script></body>';
    expect((await inject([html.slice(0, 30), html.slice(30)])).out).toBe(html.replace('</head>', `${TAG}</head>`));
  });

  it('keeps every byte of a non-UTF-8 page', async () => {
    const bytes = Buffer.from([
      0x3c, 0x68, 0x65, 0x61, 0x64, 0x3e, 0xe9, 0xff, 0x3c, 0x2f, 0x68, 0x65, 0x61, 0x64, 0x3e,
    ]);
    const stream = new InjectStream(() => '<x>');
    const chunks: Buffer[] = [];
    for await (const chunk of Readable.from([bytes]).pipe(stream)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(Buffer.concat([bytes.subarray(0, 8), Buffer.from('<x>'), bytes.subarray(8)]));
  });

  it('appends the tag to a page with neither head nor body', async () => {
    expect((await inject(['<p>a</p>', '<p>b</p>'])).out).toBe(`<p>a</p><p>b</p>${TAG}`);
  });
});

describe('amendCsp', () => {
  it('leaves a policy without script or connect limits alone', () => {
    expect(amendCsp("img-src 'self'", OWN)).toEqual({
      header: "img-src 'self'",
      nonce: null,
      styleNonce: null,
      changed: false,
    });
  });

  it("uses the page's nonce and changes nothing for scripts", () => {
    const result = amendCsp("script-src 'nonce-abc' 'strict-dynamic'; connect-src 'self'", OWN);
    expect(result).toEqual({
      header: "script-src 'nonce-abc' 'strict-dynamic'; connect-src 'self'",
      nonce: 'abc',
      styleNonce: null,
      changed: false,
    });
  });

  it('adds its own nonce where scripts are trusted by hash only', () => {
    const result = amendCsp("script-src 'sha256-xyz'", OWN);
    expect(result).toEqual({
      header: "script-src 'sha256-xyz' 'nonce-OURS'",
      nonce: 'OURS',
      styleNonce: null,
      changed: true,
    });
  });

  it('adds the client URL to a host list, and the channel to connect-src, dropping a lone none', () => {
    const result = amendCsp("script-src https://cdn.example; connect-src 'none'", OWN);
    expect(result.header).toBe(
      'script-src https://cdn.example http://localhost:4800/__devpush/client.js; connect-src http://localhost:4800/__devpush/ ws://localhost:4800/__devpush/',
    );
    expect(result.nonce).toBeNull();
  });

  it("derives script-src and connect-src from default-src 'none' without widening anything else", () => {
    const result = amendCsp("default-src 'none'; img-src 'self'", OWN);
    expect(result.header).toBe(
      "default-src 'none'; img-src 'self'; script-src http://localhost:4800/__devpush/client.js; style-src 'nonce-OURS'; connect-src http://localhost:4800/__devpush/ ws://localhost:4800/__devpush/",
    );
  });

  it("gives devpush's styles the page's style nonce, or one of its own where inline styles are not allowed", () => {
    const pages = amendCsp("script-src 'nonce-s1'; style-src 'self' 'nonce-st1'", OWN);
    expect(pages).toMatchObject({ nonce: 's1', styleNonce: 'st1', changed: false });
    const self = amendCsp("default-src 'self'", OWN);
    expect(self).toMatchObject({ header: "default-src 'self'; style-src 'self' 'nonce-OURS'", styleNonce: 'OURS' });
    const hashed = amendCsp("style-src 'unsafe-inline' 'sha256-q'", OWN);
    expect(hashed).toMatchObject({ header: "style-src 'unsafe-inline' 'sha256-q' 'nonce-OURS'", styleNonce: 'OURS' });
    // Inline styles allowed: nothing to add (a nonce would switch 'unsafe-inline' off for the page's own).
    const inline = amendCsp("style-src 'self' 'unsafe-inline'", OWN);
    expect(inline).toMatchObject({ header: "style-src 'self' 'unsafe-inline'", styleNonce: null, changed: false });
  });

  it('takes a nonce only as CSP spells one, since it is written into attributes', () => {
    expect(amendCsp(`script-src 'nonce-a"b'`, OWN).nonce).toBe('OURS');
    expect(amendCsp("script-src 'nonce-aB+/_-9=='", OWN).nonce).toBe('aB+/_-9==');
  });

  it('amends every policy of a header that holds several', () => {
    const result = amendCsp("script-src 'self', script-src 'sha256-x'", OWN);
    expect(result.header).toBe("script-src 'self', script-src 'sha256-x' 'nonce-OURS'");
  });
});

describe('response headers from a backend', () => {
  it('points redirects to the backend at devpush, keeping path, query and hash', () => {
    expect(rewriteLocation('http://127.0.0.1:8000/a/b?c=1#d', ORIGINS)).toBe('http://localhost:4800/a/b?c=1#d');
    expect(rewriteLocation('//127.0.0.1:8000/x', ORIGINS)).toBe('http://localhost:4800/x');
    expect(rewriteLocation('/relative', ORIGINS)).toBe('/relative');
    expect(rewriteLocation('http://127.0.0.1:9000/other-port', ORIGINS)).toBe('http://127.0.0.1:9000/other-port');
    expect(rewriteLocation('https://accounts.example/login', ORIGINS)).toBe('https://accounts.example/login');
  });

  it("makes cookies for the backend's host host-only and keeps others", () => {
    expect(rewriteCookie('a=1; Domain=127.0.0.1; Path=/', ORIGINS)).toBe('a=1; Path=/');
    expect(rewriteCookie('a=1; domain=.127.0.0.1', ORIGINS)).toBe('a=1');
    expect(rewriteCookie('a=1; Domain=example.com', ORIGINS)).toBe('a=1; Domain=example.com');
  });

  it('drops hop-by-hop headers, including those Connection names, and keeps the rest', () => {
    const out = responseHeaders(
      {
        connection: 'close, x-hop',
        'x-hop': '1',
        'transfer-encoding': 'chunked',
        'keep-alive': 'timeout=5',
        'x-app': 'yes',
        'set-cookie': ['a=1', 'b=2'],
      },
      ORIGINS,
    );
    expect(out).toEqual({ 'x-app': 'yes', 'set-cookie': ['a=1', 'b=2'] });
  });
});

describe('matchRule', () => {
  const rule = (prefix: string, ws = false): ProxyRule => ({
    prefix,
    target: 'http://x',
    ws,
    changeOrigin: false,
    secure: true,
    rewrite: null,
  });
  const rules = [rule('/api/v2'), rule('/api', true), rule('^/v\\d+/')];

  it('takes the first matching prefix in the order written', () => {
    expect(matchRule(rules, '/api/v2/users', false)?.prefix).toBe('/api/v2');
    expect(matchRule(rules, '/api/users', false)?.prefix).toBe('/api');
    expect(matchRule(rules, '/v3/x', false)?.prefix).toBe('^/v\\d+/');
    expect(matchRule(rules, '/other', false)).toBeNull();
  });

  it('considers only ws rules for upgrades', () => {
    expect(matchRule(rules, '/api/v2/socket', true)?.prefix).toBe('/api');
    expect(matchRule(rules, '/v3/socket', true)).toBeNull();
  });
});
