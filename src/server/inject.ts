// Places the client tag in an HTML page where the browser will run it, without parsing the whole
// document: the page scanner (src/html/scan.ts) ignores a `</head>` inside comments, raw text or values.

import { scanHtml } from '../html/scan.js';
import { routePath } from '../protocol.js';

/** Marker of our own client in a page: a page that already has it (a pasted snippet) gets no second one. */
export const CLIENT_MARKER = routePath('client');

/** Where `</head>` and `</body>` are and whether the page has our client. A forward scan: what it finds in a prefix of a page holds for the whole page. */
export function scan(html: string): {
  headClose: number;
  bodyClose: number;
  unterminated: number;
  hasClient: boolean;
} {
  let hasClient = false;
  const { headClose, bodyClose, unterminated } = scanHtml(html, ({ name, text }) => {
    if (name === 'script' && text.includes(CLIENT_MARKER)) hasClient = true;
  });
  return { headClose, bodyClose, unterminated, hasClient };
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
