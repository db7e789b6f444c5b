// What a page sends reaches the terminal: control characters (ANSI escapes that could move the cursor,
// rewrite the title or hide text; bidi overrides that reorder it) are shown, never obeyed.
const UNSAFE_RANGES: [number, number][] = [
  [0x00, 0x08],
  [0x0b, 0x1f],
  [0x7f, 0x9f],
  [0x200e, 0x200f],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];
const hex = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const UNSAFE = new RegExp(`[${UNSAFE_RANGES.map(([from, to]) => `${hex(from)}-${hex(to)}`).join('')}]`, 'g');

/** Text from a page, safe to print: controls shown as \\xNN or \\uNNNN, tabs and newlines kept. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
