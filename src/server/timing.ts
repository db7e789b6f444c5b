import { formatId, parseId, type MessageId } from '../protocol.js';

/**
 * When each stage of one change set ran, so `/__devpush/status` (and `npm run bench`) can say where the
 * time between a save and the browser goes. Times are epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), comparable with the same clock in other processes.
 */
export interface ChangeTiming {
  /** Ids of the messages this change set published (empty when nothing on the page changed). */
  messages: MessageId[];
  /** How many files the change set held. */
  files: number;
  /** The watcher saw the burst's first and last file event (flushedAt - lastEventAt: what coalescing and checking add to a save). */
  firstEventAt: number;
  lastEventAt: number;
  /** The watcher handed the coalesced change set over. */
  flushedAt: number;
  /** The pipeline started on it (later than flushedAt when an earlier set was still being handled). */
  startedAt: number;
  /** Every affected entry was rebuilt. */
  builtAt: number;
  /** Every message was handed to every connected client's transport. */
  publishedAt: number;
  /** CPU (user + system, microseconds) the server spent publishing: one broadcast to every client. */
  publishCpuUs: number;
  /** Clients connected when it was published. */
  clients: number;
}

/** Epoch milliseconds with sub-millisecond precision. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Ids of the messages published after `before` up to and including `after` (two `hub.currentId` readings). */
export function idsBetween(before: MessageId, after: MessageId): MessageId[] {
  const from = parseId(before);
  const to = parseId(after);
  if (!from || !to) return [];
  return Array.from({ length: to.seq - from.seq }, (_, i) => formatId(to.bootId, from.seq + 1 + i));
}

/** The most recent change timings, oldest first, bounded so a long session does not grow. */
export class RecentTimings {
  private readonly items: ChangeTiming[] = [];

  constructor(private readonly limit = 50) {}

  add(timing: ChangeTiming): void {
    this.items.push(timing);
    if (this.items.length > this.limit) this.items.shift();
  }

  list(): readonly ChangeTiming[] {
    return this.items;
  }
}

/** What `/__devpush/status` answers: the channel's stats, recent change timings and the process's memory. */
export function statusReport<S extends object>(channel: S, changes: readonly ChangeTiming[]) {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return { ...channel, changes, memory: { rss, heapUsed, heapTotal, external }, now: preciseNow() };
}
