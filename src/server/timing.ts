import {
  type ChangeTiming,
  type ChannelStats,
  formatId,
  type MessageId,
  parseId,
  type StatusReport,
} from '../protocol.js';
import { esbuildService } from '../esbuild.js';

/** The status report's parts about people: who is connected, what flowed, what each change did. */
export type Audience = Pick<StatusReport, 'clients' | 'clientsOmitted' | 'volume' | 'summaries'>;

export type { ChangeTiming };

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

/** What `/__devpush/status` answers: the channel's stats, recent change timings, the process's memory and esbuild's service. */
export function statusReport<Build, Watch>(
  channel: ChannelStats & { build: Build; watch: Watch | null },
  changes: readonly ChangeTiming[],
  audience: Audience,
): StatusReport<Build, Watch> {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  return {
    ...channel,
    changes: [...changes],
    memory: { rss, heapUsed, heapTotal, external },
    esbuild: esbuildService.stats(),
    now: preciseNow(),
    ...audience,
  };
}
