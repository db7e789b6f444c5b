import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The mode devpush serves in; the `.env.<mode>` files of this mode are read. */
export const ENV_MODE = 'development';

/** Prefixes of variables that reach the browser by default (`VITE_` for projects moving over). */
export const DEFAULT_ENV_PREFIXES: readonly string[] = ['DEVPUSH_', 'VITE_'];

/** Files read from the project folder, lowest precedence first (a later file wins). */
export const ENV_FILES: readonly string[] = ['.env', '.env.local', `.env.${ENV_MODE}`, `.env.${ENV_MODE}.local`];

/** A line of a `.env` file that could not be read: reported with its place, then skipped. */
export interface EnvProblem {
  file: string;
  line: number;
  message: string;
}

export interface LoadedEnv {
  /** Every variable the files define (later files win), public or not. Never sent to a browser as a whole. */
  all: Record<string, string>;
  /** The files that existed, in the order read. */
  files: string[];
  problems: EnvProblem[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * Parses the text of one `.env` file: `KEY=value`, `export KEY=value`, `#` comments, values in single,
 * double or back quotes (double quotes understand `\n`, and any quoted value may span lines), and
 * `value # comment` for unquoted values. A line that is none of these is a problem, not a crash.
 */
export function parseEnv(text: string, file = '.env'): { values: Record<string, string>; problems: EnvProblem[] } {
  const values: Record<string, string> = {};
  const problems: EnvProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      problems.push({ file, line: index + 1, message: 'expected KEY=value' });
      continue;
    }
    const [, key, rest] = match as unknown as [string, string, string];
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const read = readQuoted(lines, index, rest, quote);
      if (read === null) {
        problems.push({
          file,
          line: index + 1,
          message: `the value of ${key} opens a ${quote} quote that never closes`,
        });
        continue;
      }
      values[key] = quote === '"' ? unescapeDouble(read.value) : read.value;
      index = read.lastLine;
    } else {
      values[key] = rest.replace(/\s+#.*$/, '').trim();
    }
  }
  return { values, problems };
}

function readQuoted(
  lines: string[],
  first: number,
  rest: string,
  quote: string,
): { value: string; lastLine: number } | null {
  let text = rest.slice(1);
  for (let index = first; index < lines.length; index++) {
    const end = closingQuote(text, quote);
    if (end >= 0) return { value: text.slice(0, end), lastLine: index };
    if (index + 1 < lines.length) text += `\n${lines[index + 1]}`;
  }
  return null;
}

/** Index of the quote that closes a value (a backslash escapes a double quote), or -1. */
function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(value: string): string {
  return value.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

/** Reads the project's `.env` files in precedence order; a missing file is fine. */
export function loadEnvFiles(dir: string): LoadedEnv {
  const loaded: LoadedEnv = { all: {}, files: [], problems: [] };
  for (const name of ENV_FILES) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const { values, problems } = parseEnv(text, name);
    Object.assign(loaded.all, values);
    loaded.files.push(name);
    loaded.problems.push(...problems);
  }
  return loaded;
}

/**
 * The `import.meta.env` object a page sees: the fixed keys Vite users know, then the variables whose
 * names start with a public prefix, from the files and from devpush's own environment (which wins, as
 * under Vite: `DEVPUSH_API=... devpush serve`). Nothing without a prefix is ever included.
 */
export function publicEnv(
  loaded: Record<string, string>,
  prefixes: readonly string[],
  processEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string | boolean> {
  const env: Record<string, string | boolean> = {
    MODE: ENV_MODE,
    DEV: true,
    PROD: false,
    BASE_URL: '/',
    SSR: false,
  };
  const isPublic = (name: string) => prefixes.some((prefix) => prefix !== '' && name.startsWith(prefix));
  for (const [name, value] of Object.entries(loaded)) if (isPublic(name)) env[name] = value;
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined && isPublic(name)) env[name] = value;
  return env;
}

/**
 * The project's public env for this run, re-read when one of its `.env` files changes (the pages reload,
 * and the next load sees the new values). `key` changes with the values, so transforms cached by it
 * are made again.
 */
export class ProjectEnv {
  private value: Readonly<Record<string, string | boolean>> = {};
  private digest = '';

  constructor(
    private readonly root: string,
    private readonly prefixes: readonly string[],
    private readonly report: (problem: string) => void,
  ) {
    this.reload();
  }

  /** The `import.meta.env` object pages see now. */
  get current(): Readonly<Record<string, string | boolean>> {
    return this.value;
  }

  /** A short text that changes whenever `current` does. */
  get key(): string {
    return this.digest;
  }

  isEnvFile(file: string): boolean {
    return path.dirname(file) === this.root && ENV_FILES.includes(path.basename(file));
  }

  /** Reads the files again; true when the public values changed. Bad lines are reported with file:line. */
  reload(): boolean {
    const loaded = loadEnvFiles(this.root);
    for (const problem of loaded.problems)
      this.report(`${problem.file}:${problem.line}: ${problem.message}; the line is skipped.`);
    const next = Object.freeze(publicEnv(loaded.all, this.prefixes));
    const digest = createHash('sha256').update(JSON.stringify(next)).digest('hex').slice(0, 16);
    const changed = digest !== this.digest;
    this.value = next;
    this.digest = digest;
    return changed;
  }
}
