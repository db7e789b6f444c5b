import { preciseNow } from './clock.js';
import { isFirstSightCandidate, type Peek } from './first-sight.js';

/** How long a first sight waits for a file saved together with it (ms). */
const FIRST_SIGHT_DELAY_MS = 1;

export type FileEvent = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

/**
 * What the watcher saw on a path: a chokidar event, or a `touch` (a raw file-system notification on a
 * file we know). chokidar drops a file's further `change` events for 50 ms after one; a touch makes sure
 * the last write of such a run is looked at.
 */
export type Observed = FileEvent | 'touch';

/** When one change set's stages ran: epoch milliseconds with sub-millisecond precision. */
export interface BatchTiming {
  /** The first event of the burst arrived. */
  firstEventAt: number;
  /** The last event of the burst arrived. */
  lastEventAt: number;
  /** The change set was handed over (after every file in it was checked). */
  flushedAt: number;
  /** Time spent checking files (reading, hashing), summed over the burst's checks. */
  settleMs: number;
  /** Events and touches the burst was made of. */
  events: number;
  /** Files whose bytes turned out unchanged (no-op saves), left out of the set. */
  unchanged: number;
}

/** One batch of changes: absolute path → what happened to it in the burst, and the batch's timing. */
export interface ChangeSet extends ReadonlyMap<string, FileEvent> {
  readonly timing: BatchTiming;
}

export function changeSet(entries: Iterable<readonly [string, FileEvent]>, timing: BatchTiming): ChangeSet {
  return Object.assign(new Map(entries), { timing });
}

/** A path with something pending in the current burst. */
export interface PendingChange {
  event: Observed;
  /** When the path was first seen in this burst (ms, `Date.now()` clock: compared with file mtimes). */
  firstAt: number;
  /** When its latest event arrived. */
  lastAt: number;
}

/** The checker's answer for one path: put it in the set (as `event`), leave it out, or look again soon. */
export type Verdict = { kind: 'report'; event: FileEvent } | { kind: 'skip' } | { kind: 'wait' };

/** Looks at pending paths on disk; `force` means "answer now, no waiting" (the burst hit its max wait). */
export type Settle = (changes: ReadonlyMap<string, PendingChange>, force: boolean) => Promise<Map<string, Verdict>>;

export interface CoalesceOptions {
  /** Quiet time after the last event before a lone file's change is checked and sent (ms). */
  quietMs: number;
  /** Quiet time once the burst holds more than one file (ms): a checkout's events come with gaps. */
  burstQuietMs: number;
  /**
   * A burst starting this soon after the last one was sent is taken as its continuation and gets the
   * burst quiet time even for one file: a formatter that pauses between files then costs two messages,
   * not one per file (ms).
   */
  followUpMs: number;
  /**
   * Set when files are polled, each on its own timer, this often (ms). A poll can fall between two writes
   * of one save and see the second file an interval after the first, so every burst, a lone file's too,
   * waits this long plus the burst quiet time.
   */
  pollIntervalMs?: number;
  /** A factor for the burst quiet time, read when a burst starts: writers stall longer on a busy machine. */
  busyFactor?: () => number;
  /** Longest a burst is held after its first event, so an endless stream still moves (ms). */
  maxWaitMs: number;
  /** How soon a file that is still being written is looked at again (ms). */
  retryMs: number;
}

/** The net effect of two events on one path within a burst; null when they cancel out. */
export function mergeEvent(previous: Observed | undefined, next: Observed): Observed | null {
  if (previous === undefined) return next;
  if (next === 'touch') return previous; // a touch never hides what chokidar said
  if (previous === 'add' && next === 'change') return 'add';
  if (previous === 'add' && next === 'unlink') return null; // created and removed: a temp file
  if (previous === 'addDir' && next === 'unlinkDir') return null;
  if (previous === 'unlink' && next === 'add') return 'change'; // replaced: an atomic save
  return next;
}

/**
 * Gathers a burst of events into one change set. When the burst has been quiet for a moment, every path
 * in it is checked on disk (`settle`): unchanged bytes are dropped, files still being written make the
 * whole burst wait a little, so the set goes out once, complete. Events that arrive during a check keep
 * the burst open.
 */
export class Coalescer {
  private pending = new Map<string, PendingChange>();
  private verdicts = new Map<string, Verdict>();
  /** Paths found changed at some check of this burst: they stay in the set even if a later look finds them as before. */
  private changed = new Map<string, FileEvent>();
  private firstEventAt = 0;
  private lastEventAt = 0;
  private lastFlushAt = -Infinity;
  private events = 0;
  /** Quiet time for this burst once it is a burst (or from the start, when it follows another closely). */
  private burstQuiet = 0;
  private followsAnother = false;
  private settleMs = 0;
  private unchanged = 0;
  private quietTimer: NodeJS.Timeout | null = null;
  private maxTimer: NodeJS.Timeout | null = null;
  private settling = false;
  private again: 'no' | 'soon' | 'forced' = 'no';
  private disposed = false;
  /** First sight (first-sight.ts): a peek is running, another was asked for meanwhile, it was given up. */
  private peeking = false;
  private peekAgain = false;
  private peekDone = false;
  /** Paths this burst already sent at first sight: the check after the quiet window sends them again only if changed. */
  private sentEarly = new Set<string>();

  constructor(
    private readonly options: CoalesceOptions,
    private readonly settle: Settle,
    private readonly flush: (changes: ChangeSet) => void,
    private readonly peek: Peek | null = null,
    /** Told of a file's first event in a burst, before any quiet window (settle.ts: a stat for the slow-writer rules). */
    private readonly noticed: ((file: string) => void) | null = null,
  ) {}

  add(event: Observed, file: string): void {
    const now = Date.now();
    const previous = this.pending.get(file);
    if (previous === undefined) this.noticed?.(file);
    const merged = mergeEvent(previous?.event, event);
    if (merged === null) {
      this.pending.delete(file);
      this.changed.delete(file);
    } else {
      this.pending.set(file, { event: merged, firstAt: previous?.firstAt ?? now, lastAt: now });
    }
    this.verdicts.delete(file);
    this.noteActivity();
    if (merged !== null) this.firstSight(file);
  }

  /** A sign of writing that is not a change of its own (a raw event on a file not known yet): keeps an open burst open. */
  activity(): void {
    if (this.pending.size > 0) this.noteActivity();
  }

  get busy(): boolean {
    return this.pending.size > 0 || this.settling;
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimers();
    this.pending.clear();
  }

  private noteActivity(): void {
    const at = preciseNow();
    if (this.events++ === 0) {
      this.firstEventAt = at;
      this.followsAnother = at - this.lastFlushAt < this.options.followUpMs;
      this.burstQuiet =
        (this.options.pollIntervalMs ?? 0) + this.options.burstQuietMs * (this.options.busyFactor?.() ?? 1);
    }
    this.lastEventAt = at;
    const mayGrow = this.pending.size > 1 || this.followsAnother || this.options.pollIntervalMs !== undefined;
    const quiet = mayGrow ? this.burstQuiet : this.options.quietMs;
    this.setQuietTimer(quiet);
    this.maxTimer ??= setTimeout(() => {
      this.maxTimer = null;
      void this.attempt(true);
    }, this.options.maxWaitMs);
  }

  private setQuietTimer(ms: number): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      void this.attempt(false);
    }, ms);
  }

  private clearTimers(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.quietTimer = this.maxTimer = null;
  }

  private async attempt(force: boolean): Promise<void> {
    if (this.disposed) return;
    if (this.settling) {
      // A timer fired while a check runs: decide again once it is done.
      this.again = force || this.again === 'forced' ? 'forced' : 'soon';
      return;
    }
    const toCheck = new Map(
      [...this.pending].filter(
        ([file]) => this.verdicts.get(file)?.kind !== 'report' && this.verdicts.get(file)?.kind !== 'skip',
      ),
    );
    if (toCheck.size > 0) await this.check(toCheck, force);
    if (this.disposed) return;
    const again = this.again;
    this.again = 'no';
    if (again === 'forced' && !force) return this.attempt(true);
    const unchecked = [...this.pending.keys()].filter((file) => !this.verdicts.has(file));
    const waiting = [...this.verdicts.values()].some((verdict) => verdict.kind === 'wait');
    if (!force && unchecked.length > 0) {
      // New events came during the check: their quiet timer decides, unless it already ran out.
      if (!this.quietTimer) return this.attempt(false);
      return;
    }
    if (!force && waiting) {
      if (!this.quietTimer) this.setQuietTimer(this.options.retryMs);
      return;
    }
    // Forced, a file still being written slowly may still wait: it starts the next burst instead.
    const holding = [...this.verdicts].filter(([, verdict]) => verdict.kind === 'wait').map(([file]) => file);
    this.emit(new Set([...unchecked, ...holding]));
  }

  /**
   * A lone stylesheet of a burst that follows no other may go out at the first sight of complete-looking
   * bytes. Gives up for the burst once the file is seen emptied (a writer may be filling it) or a second
   * path joins; the check after the quiet window runs as always and sends it again only if it changed.
   */
  private firstSight(file: string): void {
    if (!this.peek || this.peekDone || this.sentEarly.has(file) || !isFirstSightCandidate(file)) return;
    if (this.pending.size !== 1 || this.followsAnother || (this.settling && !this.peeking)) return;
    if (this.peeking) {
      this.peekAgain = true;
      return;
    }
    // A moment later, after the events read with this one: a file saved together with it (a page, in
    // a "save all" or a formatter run) usually arrives by then, and the two go out as one reload.
    this.peeking = this.settling = true;
    setTimeout(() => void this.runPeek(file), FIRST_SIGHT_DELAY_MS);
  }

  private async runPeek(file: string): Promise<void> {
    const change = this.pending.get(file);
    const started = performance.now();
    let result: Awaited<ReturnType<Peek>> = { kind: 'none' };
    try {
      if (change && this.peek && !this.disposed && this.pending.size === 1) result = await this.peek(file, change);
    } catch {
      // The check after the quiet window reads it again and reports any error.
    } finally {
      this.peeking = this.settling = false;
      this.settleMs += performance.now() - started;
    }
    if (this.disposed) return;
    const alone = this.pending.size === 1 && this.pending.has(file);
    if (result.kind === 'empty' || !alone) this.peekDone = true;
    if (result.kind === 'send' && alone) {
      this.sentEarly.add(file);
      const timing = this.timingNow(0);
      this.lastFlushAt = timing.flushedAt;
      this.flush(changeSet([[file, result.event]], timing));
    } else if (this.peekAgain && !this.peekDone) {
      this.peekAgain = false;
      this.peeking = this.settling = true;
      return this.runPeek(file);
    }
    this.peekAgain = false;
    const again = this.again;
    this.again = 'no';
    if (again !== 'no') void this.attempt(again === 'forced');
  }

  private timingNow(unchanged: number): BatchTiming {
    return {
      firstEventAt: this.firstEventAt,
      lastEventAt: this.lastEventAt,
      flushedAt: preciseNow(),
      settleMs: this.settleMs,
      events: this.events,
      unchanged,
    };
  }

  private async check(toCheck: Map<string, PendingChange>, force: boolean): Promise<void> {
    this.settling = true;
    const started = performance.now();
    let verdicts: Map<string, Verdict>;
    try {
      verdicts = await this.settle(toCheck, force);
    } finally {
      this.settling = false;
      this.settleMs += performance.now() - started;
    }
    for (const [file, verdict] of verdicts) {
      if (verdict.kind === 'report') this.changed.set(file, verdict.event);
      // A no-op save, as opposed to a touch (a late notification of a write already sent) found as it was.
      const skipped = verdict.kind === 'skip' && !this.changed.has(file) && !this.sentEarly.has(file);
      if (skipped && toCheck.get(file)?.event !== 'touch') this.unchanged++;
      // A path with a newer event than the one checked is checked again.
      if (this.pending.get(file) === toCheck.get(file)) this.verdicts.set(file, verdict);
    }
  }

  /** Hands the set over and starts a new burst with whatever arrived too late to be checked. */
  private emit(carryOver: ReadonlySet<string>): void {
    const entries: [string, FileEvent][] = [];
    for (const [file, event] of this.changed) if (!carryOver.has(file)) entries.push([file, event]);
    const timing = this.timingNow(this.unchanged);
    if (entries.length > 0) this.lastFlushAt = timing.flushedAt;
    const next = new Map([...this.pending].filter(([file]) => carryOver.has(file)));
    this.clearTimers();
    this.pending = new Map();
    this.verdicts = new Map();
    this.changed = new Map([...this.changed].filter(([file]) => carryOver.has(file)));
    this.events = this.settleMs = this.unchanged = 0;
    this.sentEarly = new Set();
    this.peekDone = this.peekAgain = false;
    this.flush(changeSet(entries, timing));
    for (const [file, change] of next) this.add(change.event, file);
  }
}
