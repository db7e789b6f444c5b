// First sight: a lone save of a stylesheet or a script module that looks complete the moment its first
// event arrives goes out at once, without the lone save's quiet window, and the usual check after that
// window sends it again only if its bytes moved on. A stylesheet swap is idempotent; a module update
// re-runs the module the way any later save would (dispose, then accept), so a second one is a repeat,
// not a fault. What keeps this from showing a half-written file: only a file that has not been caught
// writing slowly (writers.ts), not part of a burst, read whole under one stat, and complete-looking
// (brackets balanced, nothing left open, its last rule or statement closed). A peek never teaches the
// slow-writer rules anything: it may look before a normal save's bytes are all there, which says nothing
// about its writer.
import type { ContentIndex } from './contents.js';
import type { FileEvent, PendingChange } from './coalesce.js';
import type { WriterHabits } from './writers.js';

/** What a peek found: the change to send now, `empty` (truncated: a writer may be filling it), or nothing. */
export type PeekResult = { kind: 'send'; event: FileEvent } | { kind: 'empty' } | { kind: 'none' };

/** Looks at a lone path right at its event, for a first-sight message. */
export type Peek = (file: string, change: PendingChange) => Promise<PeekResult>;

/** Stylesheets and scripts, small ones: a large file is the one most likely to be written in several goes. */
const STYLESHEET = /\.css$/i;
const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
const MAX_PEEK_BYTES = 256 * 1024;

export function isFirstSightCandidate(file: string): boolean {
  return STYLESHEET.test(file) || SCRIPT.test(file);
}

export function createPeek(index: ContentIndex, writers: WriterHabits): Peek {
  // Async for its callers; the look itself is synchronous (small files, on the watcher's thread).
  return async (file, change) => {
    if (!isFirstSightCandidate(file) || writers.isWriter(file)) return { kind: 'none' };
    if (change.event !== 'change' && change.event !== 'touch') return { kind: 'none' };
    const complete = STYLESHEET.test(file) ? looksComplete : scriptLooksComplete;
    const look = index.lookNow(file, change.event === 'touch', MAX_PEEK_BYTES, (bytes) =>
      complete(bytes.toString('utf8')),
    );
    if (look === 'empty') return { kind: 'empty' };
    return look === 'changed' ? { kind: 'send', event: 'change' } : { kind: 'none' };
  };
}

/**
 * Whether CSS text looks whole: not empty, every `{` closed, no comment or string left open, and it ends
 * with a closed rule (`}`) or statement (`;`). A file cut at a random byte almost never passes; a file
 * cut right after a rule can, and is then sent again, complete, by the check after the quiet window.
 */
export function looksComplete(css: string): boolean {
  let depth = 0;
  let last = '';
  for (let i = 0; i < css.length; i++) {
    const c = css[i]!;
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      if (end === -1) return false;
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = closingQuote(css, i);
      if (end === -1) return false;
      i = end;
      last = c;
      continue;
    }
    if (c === '\\') {
      i++;
      last = c;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
    if (!/\s/.test(c)) last = c;
  }
  return depth === 0 && (last === '}' || last === ';');
}

/** Index of the quote closing the string opened at `start`, or -1 (a newline or the end comes first). */
function closingQuote(css: string, start: number): number {
  const quote = css[start];
  for (let i = start + 1; i < css.length; i++) {
    const c = css[i];
    if (c === '\\') i++;
    else if (c === quote) return i;
    else if (c === '\n') return -1;
  }
  return -1;
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Whether a script module looks whole: not empty, every bracket closed by its match, no comment, string or
 * template left open, and it ends with a closed statement or block (`;`, `}` or `)`) and then a line break,
 * as editors and formatters end files (a cut right after `import { a }` has none). Strict on purpose: what
 * it cannot read (a regular expression holding a quote or a bracket, a file that ends without a semicolon
 * or a final line break) counts as incomplete and only waits for the quiet window, as before.
 */
export function scriptLooksComplete(code: string): boolean {
  // Open brackets; a '`' entry is a template literal whose `${` expression is being read.
  const open: string[] = [];
  let last = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      if (end === -1) break;
      i = end;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end === -1) return false;
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = closingQuote(code, i);
      if (end === -1) return false;
      i = end;
      last = c;
      continue;
    }
    if (c === '`' || (c === '}' && open.at(-1) === '`')) {
      // A template's text, from its start or from the end of a `${…}`, to its end or its next `${`.
      if (c === '}') open.pop();
      const stop = templateStop(code, i + 1);
      if (stop === -1) return false;
      if (code[stop] === '$') open.push('`');
      i = code[stop] === '$' ? stop + 1 : stop;
      last = '`';
      continue;
    }
    if (c === '\\') {
      i++;
      last = c;
      continue;
    }
    if (c in CLOSERS) open.push(CLOSERS[c]!);
    else if (c === ')' || c === ']' || c === '}') {
      if (open.pop() !== c) return false;
    }
    if (!/\s/.test(c)) last = c;
  }
  const ended = /[;})][ \t]*\r?\n\s*$/.test(code) || /\n\s*\/\/[^\n]*\n\s*$/.test(code);
  return open.length === 0 && (last === ';' || last === '}' || last === ')') && ended;
}

/** Index of the '`' ending a template's text or of the '$' of its next `${`, from `start`; -1 if neither. */
function templateStop(code: string, start: number): number {
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    if (c === '\\') i++;
    else if (c === '`') return i;
    else if (c === '$' && code[i + 1] === '{') return i;
  }
  return -1;
}
