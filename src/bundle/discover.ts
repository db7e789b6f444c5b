import { scanHtml } from '../html/scan.js';

/** Module scripts (`<script type="module" src>`) of an HTML page, as URL paths on this origin. */
export function moduleScripts(html: string, pageUrlPath: string): string[] {
  const base = new URL(pageUrlPath, 'http://devpush.invalid');
  const found = new Set<string>();
  // Only tags the browser runs: not in comments (warming them could show errors for dead code), nor
  // inside a textarea or a script's text.
  const tags: string[] = [];
  scanHtml(html, ({ name, text }) => {
    if (name === 'script') tags.push(text);
  });
  for (const tag of tags) {
    if (attribute(tag, 'type')?.toLowerCase() !== 'module') continue;
    const src = attribute(tag, 'src');
    if (!src) continue;
    let url: URL;
    try {
      url = new URL(src, base);
    } catch {
      continue;
    }
    if (url.origin !== base.origin) continue;
    try {
      found.add(decodeURIComponent(url.pathname));
    } catch {
      // A malformed escape: the browser's request for it will get its own 400.
    }
  }
  return [...found];
}

function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3] ?? '') : null;
}
