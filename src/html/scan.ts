// A single forward scan of an HTML page that knows just enough HTML to skip comments, raw-text elements
// (script, style, textarea...) and quoted attribute values: the one scanner of devpush, used to place the
// client tag (src/server/inject.ts) and to find a page's module scripts (src/bundle/discover.ts).

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

/** A start tag the scan met outside comments and raw text: its lower-cased name and its whole text. */
export interface StartTag {
  name: string;
  text: string;
}

/** Where the first `</head>` and the last `</body>` are (-1 when absent). */
export interface Landmarks {
  headClose: number;
  bodyClose: number;
}

/** Scans the page once; `onStartTag` hears every start tag the browser would parse as a tag. */
export function scanHtml(html: string, onStartTag: (tag: StartTag) => void = () => {}): Landmarks {
  const found: Landmarks = { headClose: -1, bodyClose: -1 };
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
    onStartTag({ name, text: html.slice(lt, end) });
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
