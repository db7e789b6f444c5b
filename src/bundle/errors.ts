import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Message } from 'esbuild';
import type { BuildProblem } from '../protocol.js';

/** Turns an esbuild message into what the page shows: text, location relative to the root, a code frame. */
export function toProblem(message: Message, root: string): BuildProblem {
  const location = message.location;
  // esbuild's notes often say what to do ("mark the path as external", "did you mean"): keep them.
  const text = withoutRoot([message.text, ...message.notes.map((note) => note.text)].filter(Boolean).join('\n'), root);
  if (!location) return { text, location: null, frame: '' };
  const file = path.relative(root, path.resolve(root, location.file)).split(path.sep).join('/');
  return {
    text,
    location: { file, line: location.line, column: location.column + 1, lineText: location.lineText },
    frame: codeFrame(path.resolve(root, location.file), location.line, location.column, location.lineText),
  };
}

/**
 * Paths under the served folder, written relative to it: pages see these messages, and what a browser
 * is shown names no absolute path (esbuild names a deleted entry by its absolute path, for one).
 */
export function withoutRoot(text: string, root: string): string {
  return text.split(`${root}${path.sep}`).join('').split(root).join('.');
}

/** Two lines either side of the error, numbered, with a caret under the column. */
export function codeFrame(file: string, line: number, column: number, fallbackLine: string): string {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    lines = [];
  }
  if (lines.length < line) {
    lines = [];
    lines[line - 1] = fallbackLine;
  }
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(column)}^`);
  }
  return out.join('\n');
}

/** One line per problem for the terminal: file:line:column: text. */
export function describeProblem(problem: BuildProblem): string {
  const where = problem.location
    ? `${problem.location.file}:${problem.location.line}:${problem.location.column}: `
    : '';
  return `${where}${problem.text}`;
}
