import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, type Stats, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';

/** What we last knew of a file's bytes: a hash, and the stat they were read under. */
interface Known {
  hash: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Read by the background pass at start-up rather than after an event. */
  seeded: boolean;
  /** When a look last found these bytes new (the index's clock); 0 for none. */
  changedAt: number;
}

/** What a look at a file found. */
export type Look =
  | 'missing'
  | 'not-a-file'
  /** Written to just now, or changed while being read: look again in a moment. */
  | 'writing'
  /** Empty where it had content (or new and empty): a truncate-then-write may be half done. */
  | 'empty'
  | 'same'
  | 'changed';

export interface LookOptions {
  /** Take the file as it is, even when it looks half written. */
  force: boolean;
  /** Take an empty file as final. */
  allowEmpty: boolean;
  /** A raw notification rather than a chokidar event: an unchanged stat is enough to say "same". */
  quick: boolean;
  /** A file written less than this long ago may still be being written (ms). */
  stillMs: number;
  /** Told the file's stat before anything is read; true when it shows the file still growing. */
  growing?: (stats: Stats) => boolean;
}

/**
 * A file rewritten with the same bytes this soon after a change was reported is reported again: whoever
 * acted on that change (esbuild rebuilding, a page reloading) may have read it while the rewrite had it
 * truncated, so "same bytes" says nothing about what they got.
 */
const REWRITE_RACE_MS = 1000;

/** Larger files are compared by size and mtime, not read. */
const HASH_LIMIT = 32 * 1024 * 1024;
/** The start-up pass reads files up to this size (larger ones are recorded by their stat). */
const SEED_LIMIT = 1024 * 1024;
const SEED_CONCURRENCY = 8;
/**
 * A save's check reads files this small synchronously (the engine runs in its own thread): through the
 * thread pool it would queue behind chokidar's rescan of the folder, one lstat per file of the folder
 * on every save, which made a save in a folder of a thousand files wait 40-200 ms.
 */
const READ_AT_ONCE_LIMIT = 256 * 1024;

function digest(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64url');
}

function sameStat(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** mtime is set from the kernel's coarse clock (a few ms behind) and may come from another machine. */
function writtenWithin(stats: Stats, ms: number): boolean {
  const age = Date.now() - stats.mtimeMs;
  return age > -50 && age < ms;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A hash of every file's bytes as last seen, so a save that leaves them unchanged sends nothing. Filled
 * by a background pass after start-up and by every look after an event; a hash and a stat per file,
 * never the contents. It also tells which files were ever seen to exist (a deletion of any other is a
 * temp file's, not worth a reload).
 */
export class ContentIndex {
  private readonly known = new Map<string, Known>();
  private readonly everSeen = new Set<string>();
  private stopped = false;
  /** The start-up pass is done: every file that existed since start-up has been seen. */
  complete = false;

  /** `now` times the rewrite-race window; tests pass their own clock. */
  constructor(private readonly now: () => number = Date.now) {}

  has(file: string): boolean {
    return this.known.has(file);
  }

  /** Whether the file was ever seen to exist (it stays so after it is deleted). */
  seen(file: string): boolean {
    return this.everSeen.has(file);
  }

  get size(): number {
    return this.known.size;
  }

  forget(file: string): void {
    this.known.delete(file);
  }

  forgetUnder(folder: string): void {
    const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
    for (const file of this.known.keys()) if (file.startsWith(prefix)) this.known.delete(file);
  }

  /** Looks at a file after an event and records what it holds now. */
  async look(file: string, options: LookOptions): Promise<Look> {
    let before: Stats;
    try {
      before = statSync(file);
    } catch (error) {
      if (isMissing(error)) return 'missing';
      throw error;
    }
    // Never open a FIFO or a device: reading it could block forever.
    if (!before.isFile()) return 'not-a-file';
    const known = this.known.get(file);
    if (
      options.quick &&
      known &&
      known.size === before.size &&
      known.mtimeMs === before.mtimeMs &&
      known.ino === before.ino
    ) {
      return 'same';
    }
    const growing = options.growing?.(before) === true;
    if (!options.force && (growing || writtenWithin(before, options.stillMs))) return 'writing';
    if (!options.force && !options.allowEmpty && before.size === 0 && known?.size !== 0) return 'empty';
    if (before.size > HASH_LIMIT)
      return this.record(file, `stat:${before.size}:${before.mtimeMs}`, before, false, known);
    const read = before.size <= READ_AT_ONCE_LIMIT ? readNow(file) : await readLater(file);
    if (!read) return 'missing';
    const { bytes, after } = read;
    if (!options.force && (!sameStat(before, after) || after.size !== bytes.length)) return 'writing';
    return this.record(file, digest(bytes), after, false, known);
  }

  /**
   * A first-sight look (first-sight.ts) at a small file, read at once. Not judged by its mtime (a peek
   * comes right after a write by design): bytes `accept` refuses, or that moved while being read, count
   * as still being written and are not recorded.
   */
  lookNow(file: string, quick: boolean, maxBytes: number, accept: (bytes: Buffer) => boolean): Look {
    const before = statSync(file, { throwIfNoEntry: false });
    if (!before) return 'missing';
    if (!before.isFile()) return 'not-a-file';
    const known = this.known.get(file);
    if (quick && known && known.size === before.size && known.mtimeMs === before.mtimeMs && known.ino === before.ino)
      return 'same';
    if (before.size === 0 && known?.size !== 0) return 'empty';
    if (before.size > maxBytes) return 'writing';
    const read = readNow(file);
    if (!read) return 'missing';
    const { bytes, after } = read;
    if (!sameStat(before, after) || after.size !== bytes.length || !accept(bytes)) return 'writing';
    return this.record(file, digest(bytes), after, false, known);
  }

  private record(file: string, hash: string, stats: Stats, seeded: boolean, known: Known | undefined): Look {
    // A hash from the start-up pass taken under this very mtime may already hold the bytes of the save
    // this event is about (the pass raced the save): count it as changed, to be safe.
    const raced = known?.seeded === true && known.mtimeMs === stats.mtimeMs;
    const rewrittenSoon =
      known !== undefined && known.mtimeMs !== stats.mtimeMs && this.now() - known.changedAt < REWRITE_RACE_MS;
    const same = known !== undefined && known.hash === hash && !raced && !rewrittenSoon;
    const changedAt = same ? known.changedAt : this.now();
    this.remember(file, { hash, size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, seeded, changedAt });
    return same ? 'same' : 'changed';
  }

  private remember(file: string, known: Known): void {
    this.known.set(file, known);
    this.everSeen.add(file);
  }

  /**
   * Hashes small files in the background (a few at a time, so served requests are not queued behind
   * it), so that even the first save of a file can be recognized as unchanged. Files an event has
   * looked at meanwhile keep what the event found; files written since `since` are handed to
   * `changedSince` instead.
   */
  async seed(files: Iterable<string>, since: number, changedSince: (file: string) => void): Promise<void> {
    const queue = files[Symbol.iterator]();
    const worker = async () => {
      for (let next = queue.next(); !next.done && !this.stopped; next = queue.next()) {
        // A file that vanished or cannot be read: its event will tell.
        await this.seedOne(next.value, since, changedSince).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
    this.complete = !this.stopped;
  }

  stop(): void {
    this.stopped = true;
  }

  private async seedOne(file: string, since: number, changedSince: (file: string) => void): Promise<void> {
    if (this.known.has(file)) return;
    const before = await stat(file);
    if (!before.isFile()) return;
    if (before.mtimeMs >= since) {
      // Written while the first scan ran, which reports nothing: a page served meanwhile has older bytes.
      changedSince(file);
      return;
    }
    if (before.size > SEED_LIMIT) {
      // Known to exist, not read: its first change is always reported.
      this.remember(file, {
        hash: `stat:${before.size}:${before.mtimeMs}`,
        size: before.size,
        mtimeMs: before.mtimeMs,
        ino: before.ino,
        seeded: true,
        changedAt: 0,
      });
      return;
    }
    const read = await readLater(file);
    if (!read) return;
    const { bytes, after } = read;
    if (!sameStat(before, after) || this.known.has(file)) return;
    this.remember(file, {
      hash: digest(bytes),
      size: after.size,
      mtimeMs: after.mtimeMs,
      ino: after.ino,
      seeded: true,
      changedAt: 0,
    });
  }
}

interface Read {
  bytes: Buffer;
  /** The stat taken through the same descriptor after reading: it tells whether the bytes moved meanwhile. */
  after: Stats;
}

function readNow(file: string): Read | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  try {
    return { bytes: readFileSync(fd), after: fstatSync(fd) };
  } finally {
    closeSync(fd);
  }
}

async function readLater(file: string): Promise<Read | null> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    if (isMissing(error)) return null;
    throw error;
  });
  if (!handle) return null;
  try {
    return { bytes: await handle.readFile(), after: await handle.stat() };
  } finally {
    await handle.close();
  }
}
