// What a page sends reaches the terminal: control characters (ANSI escapes that could move the cursor,
// rewrite the title or hide text; bidi overrides that reorder it) are shown, never obeyed.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text from a page, safe to print: controls shown as \\xNN or \\uNNNN, tabs and newlines kept. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
