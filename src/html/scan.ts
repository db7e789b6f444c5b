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

/** A start tag the scan met outside comments and raw text: its lower-cased name, its whole text and where it starts. */
export interface StartTag {
  name: string;
  text: string;
  start: number;
}

/** Where the first `</head>` and the last `</body>` are (-1 when absent). */
export interface Landmarks {
  headClose: number;
  bodyClose: number;
  /** Where a comment, tag, attribute value or raw-text element begins that never ends (-1 when none): all after it is swallowed. */
  unterminated: number;
}

/** Scans the page once; `onStartTag` hears every start tag the browser would parse as a tag. */
export function scanHtml(html: string, onStartTag: (tag: StartTag) => void = () => {}): Landmarks {
  const found: Landmarks = { headClose: -1, bodyClose: -1, unterminated: -1 };
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
      // An end tag's attributes are tokenized like a start tag's: a quote can hide its `>`. `</` and no
      // letter is a bogus comment, which ends at the first `>`.
      const closing = name ? endOfTag(html, lt + 2 + name.length) : html.indexOf('>', lt + 2);
      const end = name || closing < 0 ? closing : closing + 1;
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
    onStartTag({ name, text: html.slice(lt, end), start: lt });
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

type TagState = 'tagName' | 'beforeName' | 'name' | 'afterName' | 'beforeValue' | 'quoted' | 'unquoted';

/**
 * Index just past the `>` that ends a tag, -1 when none does. Follows the HTML tokenizer's attribute
 * states: a quote opens a value only where a value begins (`<a title=it's>` ends at its `>`), and
 * inside an unquoted value `=` and quotes are plain characters.
 */
function endOfTag(html: string, from: number): number {
  // The rest of the tag's name first: in HTML it runs to a space, `/` or `>` (`<a<="x` is one name).
  let state: TagState = 'tagName';
  let quote = '';
  for (let i = from; i < html.length; i++) {
    const c = html[i]!;
    const space = c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
    if (state === 'quoted') {
      if (c === quote) state = 'beforeName';
      continue;
    }
    if (c === '>') return i + 1;
    if (state === 'tagName' || state === 'unquoted') {
      if (space || (state === 'tagName' && c === '/')) state = 'beforeName';
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
