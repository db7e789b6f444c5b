// A stylesheet's new text, shown by a <style> for the moment its <link> takes to fetch the file again.
// In a <style>, relative URLs resolve against the page, not the stylesheet: they are made absolute first.

/** Text that a <style> cannot stand in for: `@import` (fetched again, and only allowed first) and `image-set` strings. */
const NOT_INTERIM = /@import|image-set\s*\(/i;
const URL_TOKEN = /url\(\s*(['"]?)([^'")]*)\1\s*\)/gi;

/** The text with every relative `url()` made absolute against `base`; null when a <style> cannot stand in for it. */
export function interimText(text: string, base: string): string | null {
  if (NOT_INTERIM.test(text)) return null;
  return text.replace(URL_TOKEN, (whole, quote: string, value: string) => {
    // A fragment (`url(#filter)`) means the document itself; data: and absolute URLs stay as they are.
    if (value === '' || value.startsWith('#')) return whole;
    try {
      return `url(${quote}${new URL(value, base).href}${quote})`;
    } catch {
      return whole;
    }
  });
}
