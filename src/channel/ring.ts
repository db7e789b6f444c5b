import type { ReplayableMessage } from '../protocol.js';
import type { Encoded } from './encoded.js';

export interface RingLimits {
  /** Messages kept for replay once they are older than `keepMs`. */
  maxMessages: number;
  /** Messages older than this are dropped from the ring (ms). */
  maxAgeMs: number;
  /**
   * Messages younger than this are kept whatever their count, so a short cut during a fast stream of
   * messages is replayed, not turned into a resync reload (ms). @default 10000
   */
  keepMs?: number;
  /** The ring's size in bytes of JSON, whatever the messages' age: a flood of big messages cannot grow it further. @default 16 MiB */
  maxBytes?: number;
}

const DEFAULT_KEEP_MS = 10_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

interface Entry {
  seq: number;
  at: number;
  bytes: number;
  encoded: Encoded<ReplayableMessage>;
}

/**
 * Recent messages, by seq, the source of replays after a reconnect: the last few seconds of them
 * whatever their count, beyond that a count, and never more than an age and a size in bytes.
 */
export class Ring {
  private entries: Entry[] = [];
  private bytes = 0;

  constructor(
    private readonly limits: RingLimits,
    private readonly now: () => number = Date.now,
  ) {}

  push(seq: number, encoded: Encoded<ReplayableMessage>): void {
    const bytes = encoded.json.length;
    this.entries.push({ seq, at: this.now(), bytes, encoded });
    this.bytes += bytes;
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

  get sizeInBytes(): number {
    return this.bytes;
  }

  private trim(): void {
    const now = this.now();
    const { maxMessages, maxAgeMs, keepMs = DEFAULT_KEEP_MS, maxBytes = DEFAULT_MAX_BYTES } = this.limits;
    let drop = 0;
    let bytes = this.bytes;
    const mustGo = (entry: Entry, left: number) =>
      now - entry.at > maxAgeMs || bytes > maxBytes || (left > maxMessages && now - entry.at >= keepMs);
    while (drop < this.entries.length && mustGo(this.entries[drop]!, this.entries.length - drop)) {
      bytes -= this.entries[drop]!.bytes;
      drop++;
    }
    if (drop > 0) this.entries.splice(0, drop);
    this.bytes = bytes;
  }
}
