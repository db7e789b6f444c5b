// The new text of small changed stylesheets rides with their `css` message, so a page can show it at once
// instead of after a round trip for the file (the <link> is still swapped, and replaces it). Only text
// that looks complete (the same rule as the watcher's first sight), and only a little of it per message.
// Read at once: a few small files, where each trip through the thread pool costs more than the read.
import { readFileSync, statSync } from 'node:fs';
import { looksComplete } from '../watch/first-sight.js';

/** Largest stylesheet whose text is sent along, and most text one message carries. */
export const STYLE_TEXT_MAX_BYTES = 32 * 1024;

/** URL path → text, for the stylesheets (URL path → file) small enough; undefined when none is. */
export function styleTexts(files: ReadonlyMap<string, string>): Record<string, string> | undefined {
  const texts: Record<string, string> = {};
  let total = 0;
  for (const [urlPath, file] of files) {
    try {
      const stats = statSync(file, { throwIfNoEntry: false });
      if (!stats?.isFile() || stats.size > STYLE_TEXT_MAX_BYTES - total) continue;
      const text = readFileSync(file, 'utf8');
      if (text.length > STYLE_TEXT_MAX_BYTES - total || !looksComplete(text)) continue;
      texts[urlPath] = text;
      total += text.length;
    } catch {
      // Unreadable: the page's <link> fetch finds out and says so.
    }
  }
  return Object.keys(texts).length ? texts : undefined;
}
