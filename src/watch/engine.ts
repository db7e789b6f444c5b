import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { IgnoreMatcher } from '../config/types.js';
import { Coalescer, type ChangeSet, type CoalesceOptions, type FileEvent } from './coalesce.js';
import { ContentIndex } from './contents.js';
import { createIgnore } from './ignore.js';
import { createPeek } from './first-sight.js';
import { createSettle, DEFAULT_SETTLE, type SettleOptions } from './settle.js';
import { WriterHabits } from './writers.js';

/** Everything the engine needs; all of it can cross into a worker thread except function matchers. */
export interface EngineOptions {
  root: string;
  paths: readonly string[];
  ignore: readonly IgnoreMatcher[];
  usePolling: boolean;
  interval: number;
  /** When watching was asked for (ms since the epoch): files written after it are changes even if the first scan saw them. */
  since: number;
  tuning?: Partial<CoalesceOptions & SettleOptions>;
}

export interface EngineEvents {
  ready(): void;
  changes(changes: ChangeSet): void;
  /** The start-up pass has hashed the folder's small files: from now on even a first save can be recognized as unchanged. */
  hashed(files: number): void;
  /** A file-system problem, already worded for the terminal; each one is reported once. */
  problem(message: string): void;
}

export interface Engine {
  close(): Promise<void>;
}

/**
 * Tuned here (scripts/watch-timings.js): a lone save goes out 10 ms after its last event. Writers of a
 * burst (git, cp, a generator) almost always write their second file within 1 ms of the first, but on a
 * busy machine stall for 20-100 ms (at a load of 8 per core, up to 400 ms) in the middle of it; the burst
 * quiet time grows with the load.
 */
export const DEFAULT_COALESCE: CoalesceOptions = {
  quietMs: 10,
  burstQuietMs: 75,
  followUpMs: 100,
  maxWaitMs: 2000,
  retryMs: 10,
  busyFactor: () => Math.min(4, Math.max(1, os.loadavg()[0]! / os.availableParallelism())),
};

/**
 * Polling stats each file on its own timer, and a poll can fall between two writes of one save: the file
 * written second is then seen a whole interval after the first, later still when the poll comes late on a
 * busy machine. So every polled burst waits an interval, plus half of one times the load factor, for the
 * rest of its files. A file's mtime is the only sign that it is still being written.
 */
function pollingTuning(interval: number): Partial<CoalesceOptions & SettleOptions> {
  return { pollIntervalMs: interval, burstQuietMs: interval / 2, stillMs: Math.min(interval, 50) };
}

const EVENTS: readonly FileEvent[] = ['add', 'change', 'unlink', 'addDir', 'unlinkDir'];
const MAX_REMEMBERED_PROBLEMS = 1000;

/** chokidar on the served folder and `watch.paths`, its events checked and coalesced into change sets. */
export function startEngine(options: EngineOptions, on: EngineEvents): Engine {
  const tuning = {
    ...DEFAULT_COALESCE,
    ...DEFAULT_SETTLE,
    ...(options.usePolling ? pollingTuning(options.interval) : {}),
    ...options.tuning,
  };
  const bases = [options.root, ...options.paths];
  const ignored = createIgnore(bases, options.ignore);
  const reported = new Set<string>();
  const problem = (error: unknown, file?: string) => {
    const { key, message } = describeProblem(error, file);
    if (reported.has(key)) return;
    if (reported.size < MAX_REMEMBERED_PROBLEMS) reported.add(key);
    on.problem(message);
  };
  const index = new ContentIndex();
  const writers = new WriterHabits(tuning);
  const coalescer = new Coalescer(
    tuning,
    createSettle(index, tuning, problem, writers),
    (changes) => on.changes(changes),
    // Polling sees a file late and on its own timer: no first sight worth having there.
    options.usePolling ? null : createPeek(index, writers),
    (file) => {
      const stats = statSync(file, { throwIfNoEntry: false });
      if (stats?.isFile()) writers.noticed(file, stats);
    },
  );
  const watcher: FSWatcher = watch(bases, {
    ignored: (file: string) => ignored(file),
    ignoreInitial: true,
    // Saves by rename are handled by the coalescer (unlink + add in one burst is a change), which keeps
    // chokidar from delaying every deletion by 100 ms.
    atomic: false,
    usePolling: options.usePolling,
    interval: options.interval,
    binaryInterval: Math.max(options.interval, 300),
  });
  for (const event of EVENTS) watcher.on(event, (file: string) => coalescer.add(event, file));
  watcher.on('raw', (_event, evPath: string | null, details) => {
    const file = rawPath(evPath, details as RawDetails, index);
    if (file && !ignored(file)) coalescer.add('touch', file);
    else coalescer.activity();
  });
  // File-system errors (EACCES, ENOSPC...) are reported once each and never stop the watcher.
  watcher.on('error', (error: unknown) => problem(error));
  let closed = false;
  watcher.once('ready', () => {
    on.ready();
    // Hash small files in the background, after the first page could be served.
    setTimeout(() => {
      if (closed) return;
      // mtimes lag Date.now() by up to a clock tick, so a save in the first few ms can be missed; a
      // margin would instead report files written just before start-up.
      void index
        .seed(watchedFiles(watcher), options.since, (file) => coalescer.add('change', file))
        .then(() => {
          if (!closed) on.hashed(index.size);
        });
    }, 50);
  });
  return {
    async close() {
      closed = true;
      index.stop();
      coalescer.dispose();
      await watcher.close();
    },
  };
}

/** What chokidar's `raw` event carries besides the name (its shape differs between fs.watch and polling). */
interface RawDetails {
  watchedPath?: string;
}

/** The file a raw notification is about, when it is one we know (so a touch can be checked cheaply). */
function rawPath(evPath: string | null, details: RawDetails, index: ContentIndex): string | null {
  // Polling: the full path; native: the watched file or folder and the name inside it.
  const candidates =
    details.watchedPath === undefined
      ? [evPath]
      : [evPath ? path.join(details.watchedPath, evPath) : null, details.watchedPath];
  return candidates.find((file): file is string => file !== null && index.has(file)) ?? null;
}

function* watchedFiles(watcher: FSWatcher): Generator<string> {
  for (const [folder, names] of Object.entries(watcher.getWatched())) {
    for (const name of names) yield path.join(folder, name);
  }
}

const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'an input/output error',
};

/** One line for the terminal, and a key so the same problem is said once. */
function describeProblem(error: unknown, file?: string): { key: string; message: string } {
  const { code, path: errorPath, message } = error as NodeJS.ErrnoException;
  const target = file ?? errorPath ?? '';
  const key = `${code ?? message}:${target}`;
  if (code === 'ENOSPC' || code === 'EMFILE') {
    return {
      key: code,
      message:
        `watcher: the system limit on watched files was reached (${code}); some changes will be missed. ` +
        'Ignore big folders with watch.ignore, raise fs.inotify.max_user_watches, or set watch.usePolling: true.',
    };
  }
  const what = code ? (WORDS[code] ?? code) : String(message ?? error);
  const place = target ? `${target}: ` : '';
  return {
    key,
    message: `watcher: ${place}${what}${code && WORDS[code] ? ` (${code})` : ''}; skipping it, everything else is still watched.`,
  };
}
