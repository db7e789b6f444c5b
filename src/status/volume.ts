import type { MessageKind, VolumeMinute } from '../protocol.js';

const MINUTE_MS = 60_000;

/** Messages sent to clients per minute, by kind, for the last hour (at most 60 minutes kept). */
export class Volume {
  private readonly minutes: VolumeMinute[] = [];

  constructor(
    private readonly keep = 60,
    private readonly now: () => number = Date.now,
  ) {}

  add(kind: MessageKind, bytes: number): void {
    const minute = this.current();
    minute.messages[kind] = (minute.messages[kind] ?? 0) + 1;
    minute.bytes += bytes;
  }

  /** The last hour, oldest first; minutes in which nothing was sent are present with zero counts. */
  list(): VolumeMinute[] {
    const start = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
    const byStart = new Map(this.minutes.map((minute) => [minute.at, minute]));
    return Array.from({ length: this.keep }, (_, i) => {
      const at = start - (this.keep - 1 - i) * MINUTE_MS;
      const minute = byStart.get(at);
      return minute ? { at, messages: { ...minute.messages }, bytes: minute.bytes } : { at, messages: {}, bytes: 0 };
    });
  }

  private current(): VolumeMinute {
    const at = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
    const last = this.minutes.at(-1);
    if (last?.at === at) return last;
    const minute: VolumeMinute = { at, messages: {}, bytes: 0 };
    this.minutes.push(minute);
    const oldest = at - (this.keep - 1) * MINUTE_MS;
    while (this.minutes[0]!.at < oldest) this.minutes.shift();
    return minute;
  }
}
