import type { ReplayableMessage } from '../protocol.js';
import type { Encoded } from './encoded.js';

export interface RingLimits {
  /** Most messages kept for replay. */
  maxMessages: number;
  /** Messages older than this are dropped from the ring (ms). */
  maxAgeMs: number;
}

interface Entry {
  seq: number;
  at: number;
  encoded: Encoded<ReplayableMessage>;
}

/** Recent messages, by seq, bounded by count and age; the source of replays after a reconnect. */
export class Ring {
  private entries: Entry[] = [];

  constructor(
    private readonly limits: RingLimits,
    private readonly now: () => number = Date.now,
  ) {}

  push(seq: number, encoded: Encoded<ReplayableMessage>): void {
    this.entries.push({ seq, at: this.now(), encoded });
    this.trim();
  }

  /**
   * Everything after `seq`, in order; null when the ring no longer holds all of it (the caller must
   * resync the client instead of replaying a gap).
   */
  after(seq: number, newestSeq: number): Encoded<ReplayableMessage>[] | null {
    if (seq > newestSeq) return null;
    if (seq === newestSeq) return [];
    this.trim();
    const first = this.entries[0];
    if (!first || first.seq > seq + 1) return null;
    return this.entries.filter((entry) => entry.seq > seq).map((entry) => entry.encoded);
  }

  newest(): Encoded<ReplayableMessage> | undefined {
    return this.entries[this.entries.length - 1]?.encoded;
  }

  get size(): number {
    return this.entries.length;
  }

  private trim(): void {
    const oldest = this.now() - this.limits.maxAgeMs;
    let drop = Math.max(0, this.entries.length - this.limits.maxMessages);
    while (drop < this.entries.length && this.entries[drop]!.at < oldest) drop++;
    if (drop > 0) this.entries.splice(0, drop);
  }
}
