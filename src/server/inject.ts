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

interface Landmarks {
  headClose: number;
  bodyClose: number;
  /** Where a comment, tag, attribute value or raw-text element begins that never ends: all after it is swallowed. */
  unterminated: number;
  hasClient: boolean;
}

/**
 * The page with the tag before `</head>`, else before `</body>`, else before a construct that never
 * closes (a tag after it would be inside it, dead), else at the end.
 */
export function injectTag(html: string, tag: string): string {
  const { headClose, bodyClose, unterminated, hasClient } = scan(html);
  if (hasClient) return html;
  const at = [headClose, bodyClose, unterminated].find((index) => index >= 0) ?? html.length;
  return html.slice(0, at) + tag + html.slice(at);
}

function scan(html: string): Landmarks {
  const found: Landmarks = { headClose: -1, bodyClose: -1, unterminated: -1, hasClient: false };
  const stop = (at: number) => {
    found.unterminated = at;
    return found;
  };
  const lower = html.toLowerCase();
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (lower.startsWith('<!--', lt)) {
      const end = lower.indexOf('-->', lt + 4);
      if (end < 0) return stop(lt);
      i = end + 3;
      continue;
    }
    const next = html[lt + 1] ?? '';
    if (next === '!' || next === '?') {
      const end = html.indexOf('>', lt);
      if (end < 0) return stop(lt);
      i = end + 1;
      continue;
    }
    if (next === '/') {
      const name = tagName(lower, lt + 2);
      // An end tag's attributes are tokenized like a start tag's: a quote can hide its `>`.
      const end = endOfTag(html, lt + 2 + name.length);
      if (end < 0) return stop(lt);
      if (name === 'head' && found.headClose < 0) found.headClose = lt;
      if (name === 'body') found.bodyClose = lt;
      i = end;
      continue;
    }
    const name = tagName(lower, lt + 1);
    if (!name) {
      i = lt + 1;
      continue;
    }
    const end = endOfTag(html, lt + 1 + name.length);
    if (end < 0) return stop(lt);
    if (name === 'script' && html.slice(lt, end).includes(CLIENT_MARKER)) found.hasClient = true;
    i = end;
    if (RAW_TEXT.has(name)) {
      const close = name === 'plaintext' ? -1 : lower.indexOf(`</${name}`, i);
      if (close < 0) return stop(lt);
      i = close;
    }
  }
  return found;
}

function tagName(lower: string, from: number): string {
  let end = from;
  while (end < lower.length && /[a-z0-9-]/.test(lower[end]!)) end++;
  return /^[a-z]/.test(lower[from] ?? '') ? lower.slice(from, end) : '';
}

type TagState = 'beforeName' | 'name' | 'afterName' | 'beforeValue' | 'quoted' | 'unquoted';

/**
 * Index just past the `>` that ends a start tag, -1 when none does. Follows the HTML tokenizer's
 * attribute states: a quote opens a value only where a value begins (`<a title=it's>` ends at its
 * `>`), and inside an unquoted value `=` and quotes are plain characters.
 */
function endOfTag(html: string, from: number): number {
  let state: TagState = 'beforeName';
  let quote = '';
  for (let i = from; i < html.length; i++) {
    const c = html[i]!;
    const space = c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
    if (state === 'quoted') {
      if (c === quote) state = 'beforeName';
      continue;
    }
    if (c === '>') return i + 1;
    if (state === 'unquoted') {
      if (space) state = 'beforeName';
    } else if (state === 'beforeValue') {
      if (c === '"' || c === "'") {
        quote = c;
        state = 'quoted';
      } else if (!space) state = 'unquoted';
    } else if (c === '/') {
      state = 'beforeName';
    } else if (state === 'beforeName') {
      if (!space) state = 'name';
    } else if (c === '=') {
      state = 'beforeValue';
    } else if (space) {
      state = 'afterName';
    } else if (state === 'afterName') {
      state = 'name';
    }
  }
  return -1;
}
