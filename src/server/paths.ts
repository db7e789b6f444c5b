import { realpathSync, statSync, type Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { isInside } from '../fs/inside.js';

/** Never served, even inside the root: dotfiles and folders (.env*, .git/, .npmrc...) and keys/certificates. */
const SECRET_EXTENSIONS = /\.(pem|key|crt|p12|pfx|cer|der)$/i;

export type Refusal = { status: 400 | 403 | 404; reason: string };
/** `index` is true when a folder was asked for and its index.html is the answer. */
export type ResolvedFile = { file: string; stats: Stats; index: boolean };

/** A request target after `parseTarget`: the decoded path, and a URL for its query (the base host is a dummy). */
export interface Target {
  /** Decoded exactly once, runs of slashes collapsed: `/src//main.ts` → `/src/main.ts`. */
  pathname: string;
  /** The raw path as sent, still percent-encoded, slashes collapsed: safe to echo in a same-origin Location. */
  rawPath: string;
  url: URL;
}

const DUMMY_ORIGIN = 'http://devpush.invalid';

/**
 * Decodes a request target's path exactly once and refuses what no honest browser sends: a `#` or
 * control character in the raw target, anything but an origin-form path (`http://host/x`, `*`),
 * undecodable escapes (overlong UTF-8 included), NUL and control characters after decoding,
 * backslashes, and `..` segments (browsers resolve those before sending).
 */
export function parseTarget(target: string): Target | Refusal {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\x00-\x1f\x7f#]/.test(target) || !target.startsWith('/')) return { status: 400, reason: 'Bad request target.' };
  const queryAt = target.indexOf('?');
  const rawPath = (queryAt === -1 ? target : target.slice(0, queryAt)).replace(/\/{2,}/g, '/');
  let pathname: string;
  try {
    pathname = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, reason: 'Bad percent-encoding in the path.' };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\x00-\x1f\x7f\\]/.test(pathname)) return { status: 400, reason: 'Bad path.' };
  pathname = pathname.replace(/\/{2,}/g, '/');
  if (pathname.split('/').some((segment) => segment === '..')) return { status: 400, reason: 'Bad path.' };
  // The URL is built from the checked raw path, so a target like `//evil.example/x` cannot become a host.
  const url = new URL(DUMMY_ORIGIN + rawPath + (queryAt === -1 ? '' : target.slice(queryAt)));
  return { pathname, rawPath, url };
}

/**
 * A path segment as a file system may read it: Windows ignores trailing dots and spaces and opens the
 * default stream for `name::$DATA`, so `key.pem.` or `.env::$DATA` must be judged as `key.pem` and `.env`.
 */
function canonicalSegment(segment: string): string {
  const stream = segment.indexOf(':');
  return (stream === -1 ? segment : segment.slice(0, stream)).replace(/[. ]+$/, '');
}

export interface FileAccessOptions {
  root: string;
  /** Folders outside the root that may also be served (server.fs.allow). */
  allow: readonly string[];
  /** Extra globs of names never served (server.fs.deny). */
  deny: readonly string[];
}

/** The one place that decides whether a file may be read for a request; every route that reads uses it. */
export class FileAccess {
  private readonly rootReal: Promise<string[]>;
  private readonly denied: (relative: string) => boolean;

  constructor(private readonly options: FileAccessOptions) {
    this.rootReal = Promise.all([options.root, ...options.allow].map((dir) => realpath(dir).catch(() => dir)));
    const userDeny = options.deny.length
      ? picomatch([...options.deny], { dot: true, nocase: true, basename: false })
      : null;
    const userDenyBase = options.deny.length
      ? picomatch([...options.deny], { dot: true, nocase: true, basename: true })
      : null;
    this.denied = (relative) => {
      const raw = relative.split(/[\\/]/);
      const segments = raw.map(canonicalSegment);
      return (
        raw.some((segment) => segment.startsWith('.')) ||
        segments.some((segment) => segment.startsWith('.') || SECRET_EXTENSIONS.test(segment)) ||
        // A denied folder denies everything under it: test `a`, `a/b`, `a/b/c.txt` in turn.
        segments.some((_, i) => {
          const prefix = segments.slice(0, i + 1).join('/');
          return Boolean(userDeny?.(prefix) || userDenyBase?.(prefix));
        })
      );
    };
  }

  /** Whether a URL path names something that is never served (checked before touching the disk). */
  isDenied(urlPath: string): boolean {
    return this.denied(urlPath.replace(/^\/+/, ''));
  }

  /**
   * Resolves a decoded URL path to a real file inside the root (or an allowed folder), following symlinks
   * and refusing anything that ends up outside or on the deny list. Directories resolve to their index.html.
   */
  async resolve(urlPath: string): Promise<ResolvedFile | Refusal> {
    if (this.isDenied(urlPath)) return { status: 403, reason: 'Refused: dotfiles and secrets are never served.' };
    const candidate = path.join(this.options.root, urlPath);
    // Synchronous on purpose: each is a few microseconds on a local disk, where the promise API's trip
    // through libuv's thread pool cost 0.2–1 ms apiece on a busy machine (a module save resolves its file).
    let file: string;
    try {
      file = realpathSync.native(candidate);
    } catch {
      return { status: 404, reason: 'Not found.' };
    }
    const inside = await this.containing(file);
    if (inside === null) return { status: 403, reason: 'Refused: outside the served folder.' };
    if (this.denied(inside)) return { status: 403, reason: 'Refused: dotfiles and secrets are never served.' };
    const stats = statOrNull(file);
    if (stats?.isDirectory()) {
      const index = await this.resolve(path.posix.join(urlPath, 'index.html'));
      return 'file' in index ? { ...index, index: true } : index;
    }
    if (!stats?.isFile()) return { status: 404, reason: 'Not found.' };
    return { file, stats, index: false };
  }

  /** The path of `file` relative to the root or allowed folder containing it; null when none does. */
  private async containing(file: string): Promise<string | null> {
    for (const dir of await this.rootReal) {
      if (isInside(dir, file)) return path.relative(dir, file);
    }
    return null;
  }
}

/** The file's stats, or null when it cannot be stat'ed (gone since its realpath, no permission). */
function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
