import type { Stats } from 'node:fs';
import type { FileEvent, PendingChange, Settle, Verdict } from './coalesce.js';
import type { ContentIndex } from './contents.js';
import { WriterHabits, type WriterOptions } from './writers.js';

export interface SettleOptions extends WriterOptions {
  /** How long an emptied file is given to be written again before empty is taken as final (ms). */
  emptyGraceMs: number;
  /** How long a removed file is given to come back (a save by rename) before it counts as deleted (ms). */
  unlinkGraceMs: number;
  /** A file written less than this long ago is taken to be still being written (ms). */
  stillMs: number;
  /** Files looked at in parallel. */
  concurrency: number;
}

// stillMs is small: the quiet time already runs from the last raw notification of a write, so mtime
// only has to catch a write in the same instant (and polling, where notifications come late).
export const DEFAULT_SETTLE: SettleOptions = {
  emptyGraceMs: 150,
  unlinkGraceMs: 50,
  stillMs: 3,
  writerStillMs: 100,
  writerMaxStillMs: 1000,
  writerMemoryMs: 5000,
  writerMaxWaitMs: 10_000,
  concurrency: 16,
};

const REPORT = (event: FileEvent): Verdict => ({ kind: 'report', event });
const SKIP: Verdict = { kind: 'skip' };
const WAIT: Verdict = { kind: 'wait' };

/**
 * The rules for "is this change complete, and is it a change at all": a file still being written or
 * emptied for a moment waits; a file whose bytes are as before is left out; a removed file that comes
 * back is a change. An error reading a file lets its change through (the server will say what is wrong)
 * and goes to `onError`.
 */
export function createSettle(
  index: ContentIndex,
  options: SettleOptions,
  onError: (error: unknown, file: string) => void,
  writers = new WriterHabits(options),
): Settle {
  async function verdictFor(file: string, change: PendingChange, maxWaitOver: boolean): Promise<Verdict> {
    const { event } = change;
    if (event === 'addDir' || event === 'unlinkDir') return REPORT(event);
    // A file still being written slowly holds its change back past the burst's max wait (up to a limit).
    const force = maxWaitOver && !writers.mayHold(file);
    const stillMs = writers.stillMs(file, options.stillMs);
    const allowEmpty = force || Date.now() - change.firstAt >= options.emptyGraceMs;
    // Growing since the last look, or a slow writer whose events are still coming: not done yet.
    const growing = (stats: Stats) =>
      writers.grew(file, stats, change.firstAt) || (writers.isWriter(file) && Date.now() - change.lastAt < stillMs);
    const knownWriter = writers.isWriter(file);
    const look = await index.look(file, { force, allowEmpty, quick: event === 'touch', stillMs, growing });
    if (look === 'writing' || look === 'empty') {
      // A known writer waiting out its quiet time shows no new sign (growth between looks signs in `grew`):
      // counting the wait as one kept the file a writer for good once saves came every few seconds.
      // An emptied file may hold its change; growth seen only against the first event's stat may not.
      if (look === 'empty' || !knownWriter) writers.sign(file, look === 'empty' || undefined);
      return WAIT;
    }
    if (look === 'not-a-file') return SKIP;
    if (look === 'missing') {
      if (event !== 'unlink') return SKIP; // its unlink event is on the way, or it was a temp file
      if (index.complete && !index.seen(file)) return SKIP; // never seen to exist: a temp file's late unlink
      if (!force && Date.now() - change.lastAt < options.unlinkGraceMs) return WAIT;
      index.forget(file);
      writers.forget(file);
      return REPORT('unlink');
    }
    // The bytes the index last saw. It forgets a file once its deletion is reported, so a file deleted and
    // written again is never "same"; an `add` found the same is chokidar coming late to a file the pages
    // already have (a folder replaced by a symlink: its files are added after the set that reported them).
    if (look === 'same') return SKIP;
    return REPORT(event === 'touch' || event === 'unlink' ? 'change' : event);
  }

  return async (changes, force) => {
    const verdicts = new Map<string, Verdict>();
    const queue = changes[Symbol.iterator]();
    const worker = async () => {
      for (let next = queue.next(); !next.done; next = queue.next()) {
        const [file, change] = next.value;
        try {
          verdicts.set(file, await verdictFor(file, change, force));
        } catch (error) {
          onError(error, file);
          const event = change.event === 'touch' ? 'change' : change.event;
          verdicts.set(file, REPORT(event));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, changes.size) }, worker));
    // Only now: the files of a removed folder were still known while their own unlinks were judged.
    for (const [file, change] of changes) if (change.event === 'unlinkDir') index.forgetUnder(file);
    return verdicts;
  };
}
