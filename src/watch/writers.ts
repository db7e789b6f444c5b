import type { Stats } from 'node:fs';

export interface WriterOptions {
  /** Quiet time asked of a file known to be written slowly, at least (ms). */
  writerStillMs: number;
  /** ...and at most, however long its writer was seen to pause (ms). */
  writerMaxStillMs: number;
  /** How long a sign of slow writing is remembered: the file's next save is treated the same way (ms). */
  writerMemoryMs: number;
  /** Longest a file still being written holds its change back, even past the burst's max wait (ms). */
  writerMaxWaitMs: number;
  /** A factor for a writer's quiet time, read at each look (the coalescer's: the machine's load per core). */
  busyFactor?: () => number;
}

/** Looks further apart than this may have missed writes in between: their mtimes say nothing of one pause. */
const LOOKS_APART_MS = 150;
/**
 * Writes this far apart (by mtime) are two goes of one writer, not one save: an editor's save, even of a
 * large file in several write calls, is over within a millisecond or two.
 */
const WRITES_APART_MS = 5;

/** What the recent looks at one file showed. */
interface Habit {
  /** The last sign of slow writing: seen empty, seen growing between two looks, written a moment ago. */
  signAt: number;
  /** When the current run of signs began. */
  since: number;
  /** The longest pause between two writes seen in that run (ms). */
  gapMs: number;
  /** The stat of the last look. */
  size: number;
  mtimeMs: number;
  lookedAt: number;
  /** The last stat was taken at the burst's first event (`noticed`), not by a look. */
  noticed: boolean;
  /**
   * The current run of signs is more than the stat at a burst's first event: it may hold the file's change
   * past the burst's max wait (`mayHold`), and it is remembered for `writerMemoryMs` (`isWriter`).
   */
  outlasts: boolean;
}

/**
 * Learns from each file's own recent behaviour whether it is being written slowly (a network drive, a
 * tool streaming its output, a generator): a file seen empty, or seen to grow between two looks, a moment
 * ago is being written, and its change waits until it has been quiet for twice the longest pause its
 * writer took. Every other file keeps the short wait of a normal save.
 */
export class WriterHabits {
  private readonly habits = new Map<string, Habit>();

  constructor(
    private readonly options: WriterOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether the file showed signs of slow writing recently. A sign known only from the stat at a burst's
   * first event lasts as long as the wait it asks for, not `writerMemoryMs`: on a loaded machine an ordinary
   * save's writer is often descheduled between truncating the file and writing it, and remembering that
   * made the next seconds of saves wait as a slow writer's. A slow writer shows itself again (it grows
   * between two looks), and that sign is remembered.
   */
  isWriter(file: string): boolean {
    const habit = this.habits.get(file);
    if (habit === undefined || habit.signAt <= 0) return false;
    const memory = habit.outlasts ? this.options.writerMemoryMs : this.quietMs(habit);
    return this.now() - habit.signAt < memory;
  }

  /** Quiet time this file needs before its bytes are taken as final. */
  stillMs(file: string, normalMs: number): number {
    const habit = this.habits.get(file);
    return habit && this.isWriter(file) ? this.quietMs(habit) : normalMs;
  }

  /**
   * A writer's quiet time. Only pauses seen in its mtimes count: its events' gaps also hold the watcher's
   * own delays, which grow with the machine's load.
   */
  private quietMs(habit: Habit): number {
    // A loaded machine stalls the writer between its chunks too, beyond any pause its mtimes showed so
    // far: the same factor the burst quiet time takes (a slow save split in two under load otherwise).
    const busy = this.options.busyFactor?.() ?? 1;
    return Math.min(this.options.writerMaxStillMs, Math.max(this.options.writerStillMs, 2 * habit.gapMs) * busy);
  }

  /**
   * A writer still going (a sign within its quiet time) may hold its change past the burst's max wait,
   * up to `writerMaxWaitMs` in all; one caught writing once and quiet since goes out with its burst, and
   * so does one known only from the stat at its first event (in a checkout of many files, that is the
   * checkout's process paused between creating a file and writing it, not a slow writer).
   */
  mayHold(file: string): boolean {
    const habit = this.habits.get(file);
    if (!habit?.outlasts || !this.isWriter(file)) return false;
    const now = this.now();
    return now - habit.signAt < this.stillMs(file, 0) && now - habit.since < this.options.writerMaxWaitMs;
  }

  /**
   * A look found the file empty, or written a moment ago. `outlasts`: whether this sign lets the file hold
   * its change past the burst's max wait; unset keeps what the current run of signs already says.
   */
  sign(file: string, outlasts?: boolean): void {
    const habit = this.habitOf(file);
    const now = this.now();
    if (!this.isWriter(file)) {
      habit.since = now;
      habit.gapMs = 0;
      habit.outlasts = outlasts ?? true;
    } else if (outlasts) {
      habit.outlasts = true;
    }
    habit.signAt = now;
  }

  /**
   * The stat at a file's first event of a burst. The look after the quiet window compares with it: a file
   * written again well after this (an empty file filled, a first chunk followed by more) is being written
   * slowly, even when the watcher, starved on a busy machine, never got to look while it was empty.
   */
  noticed(file: string, stats: Stats): void {
    const habit = this.habitOf(file);
    habit.size = stats.size;
    habit.mtimeMs = stats.mtimeMs;
    habit.lookedAt = this.now();
    habit.noticed = true;
  }

  /**
   * Records a look's stat; true when the file changed since an earlier look in the same burst (it is
   * growing, so more may come), which also counts as a sign and teaches the writer's pause.
   */
  grew(file: string, stats: Stats, burstStart: number): boolean {
    const habit = this.habitOf(file);
    const sinceNotice = habit.noticed;
    habit.noticed = false;
    const moved = habit.size !== stats.size || habit.mtimeMs !== stats.mtimeMs;
    // Against the first event's stat only writes well apart count: that stat may catch a normal save
    // between two of its write calls (or between its truncation and its write).
    const changed =
      habit.lookedAt >= burstStart && moved && (!sinceNotice || stats.mtimeMs - habit.mtimeMs >= WRITES_APART_MS);
    // Between two looks a moment apart, the mtimes tell how long the writer paused (give or take a write).
    // (Not from an empty file: how long it stayed empty is the empty grace's business.)
    const apart = this.now() - habit.lookedAt < LOOKS_APART_MS && habit.size > 0;
    const pause = apart ? stats.mtimeMs - habit.mtimeMs : 0;
    habit.size = stats.size;
    habit.mtimeMs = stats.mtimeMs;
    habit.lookedAt = this.now();
    if (!changed) return false;
    this.sign(file, !sinceNotice);
    if (pause > 0 && pause < this.options.writerMaxStillMs) habit.gapMs = Math.max(habit.gapMs, pause);
    return true;
  }

  forget(file: string): void {
    this.habits.delete(file);
  }

  private habitOf(file: string): Habit {
    let habit = this.habits.get(file);
    if (!habit) {
      habit = {
        signAt: 0,
        since: 0,
        gapMs: 0,
        size: -1,
        mtimeMs: 0,
        lookedAt: -Infinity,
        noticed: false,
        outlasts: false,
      };
      this.habits.set(file, habit);
    }
    return habit;
  }
}
