// Places the client tag in an HTML page where the browser will run it, without parsing the whole
// document: a single forward scan that knows just enough HTML to skip comments, raw-text elements
// (script, style, textarea...) and quoted attribute values, so a `</head>` inside any of them is ignored.

const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
]);

/** Marker of our own client in a page: a page that already has it (a pasted snippet) gets no second one. */
export const CLIENT_MARKER = '/__devpush/client.js';

export interface Landmarks {
  headClose: number;
  bodyClose: number;
  hasClient: boolean;
}

export function injectTag(html: string, tag: string): string {
  const { headClose, bodyClose, hasClient } = scan(html);
  if (hasClient) return html;
  const at = headClose >= 0 ? headClose : bodyClose;
  if (at < 0) return html + tag;
  return html.slice(0, at) + tag + html.slice(at);
}

/** Where `</head>` and `</body>` are and whether the page has our client; a forward scan, so a prefix's answer holds for the page. */
export function scan(html: string): Landmarks {
  const found: Landmarks = { headClose: -1, bodyClose: -1, hasClient: false };
  const lower = html.toLowerCase();
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (lower.startsWith('<!--', lt)) {
      const end = lower.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const next = html[lt + 1] ?? '';
    if (next === '!' || next === '?') {
      const end = html.indexOf('>', lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    if (next === '/') {
      const name = tagName(lower, lt + 2);
      if (name === 'head' && found.headClose < 0) found.headClose = lt;
      if (name === 'body') found.bodyClose = lt;
      const end = html.indexOf('>', lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const name = tagName(lower, lt + 1);
    if (!name) {
      i = lt + 1;
      continue;
    }
    const end = endOfTag(html, lt + 1 + name.length);
    if (name === 'script' && html.slice(lt, end).includes(CLIENT_MARKER)) found.hasClient = true;
    i = end;
    if (RAW_TEXT.has(name)) {
      if (name === 'plaintext') break;
      const close = lower.indexOf(`</${name}`, i);
      i = close < 0 ? html.length : close;
    }
  }
  return found;
}

function tagName(lower: string, from: number): string {
  let end = from;
  while (end < lower.length && /[a-z0-9-]/.test(lower[end]!)) end++;
  return /^[a-z]/.test(lower[from] ?? '') ? lower.slice(from, end) : '';
}

/**
 * Index just past the `>` that ends a start tag. A quote opens a value only right after `=`, as in
 * HTML, so `<a title=it's>` ends at its `>`.
 */
function endOfTag(html: string, from: number): number {
  let quote = '';
  let afterEquals = false;
  for (let i = from; i < html.length; i++) {
    const c = html[i]!;
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '>') return i + 1;
    if (afterEquals && (c === '"' || c === "'")) quote = c;
    if (c === '=') afterEquals = true;
    else if (!/\s/.test(c)) afterEquals = false;
  }
  return html.length;
}
