export type FileEvent = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

/** One batch of changes: absolute path → the last event seen for it within the burst. */
export type ChangeSet = ReadonlyMap<string, FileEvent>;

export interface CoalesceOptions {
  /** Flush once no event has come for this long (ms). */
  quietMs: number;
  /** Flush at the latest this long after the first event of a batch (ms), so a endless stream still moves. */
  maxWaitMs: number;
}

/**
 * Gathers a burst of file events (a multi-file save, a formatter, a checkout) into one ChangeSet. A
 * lone save is flushed after `quietMs`, so it is not held back noticeably; a long burst is cut every
 * `maxWaitMs`.
 */
export class Coalescer {
  private pending = new Map<string, FileEvent>();
  private quietTimer: NodeJS.Timeout | null = null;
  private maxTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: CoalesceOptions,
    private readonly flush: (changes: ChangeSet) => void,
  ) {}

  add(event: FileEvent, file: string): void {
    const previous = this.pending.get(file);
    // add then change within one burst is still an add; add then unlink cancels out.
    if (previous === 'add' && event === 'change') return;
    if (previous === 'add' && event === 'unlink') this.pending.delete(file);
    else this.pending.set(file, event);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.flushNow(), this.options.quietMs);
    this.maxTimer ??= setTimeout(() => this.flushNow(), this.options.maxWaitMs);
  }

  flushNow(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.quietTimer = this.maxTimer = null;
    if (this.pending.size === 0) return;
    const changes = this.pending;
    this.pending = new Map();
    this.flush(changes);
  }

  dispose(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.pending.clear();
  }
}
