import type { Cancel, Clock } from './world.js';

/** The global timers and `Date.now`: the browser's clock, and in the unit tests vitest's fake one. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, run) {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
  every(ms, run) {
    const timer = setInterval(run, ms);
    return () => clearInterval(timer);
  },
};

/**
 * The named timers of one owner: setting a name replaces its timer, and `cancelAll` ends every one of
 * them when the owner's connection ends, so no timer outlives what it was about.
 */
export class Timers<Name extends string> {
  private readonly cancels = new Map<Name, Cancel>();

  constructor(private readonly clock: Clock) {}

  after(name: Name, ms: number, run: () => void): void {
    this.cancel(name);
    const cancel = this.clock.after(ms, () => {
      this.cancels.delete(name);
      run();
    });
    this.cancels.set(name, cancel);
  }

  every(name: Name, ms: number, run: () => void): void {
    this.cancel(name);
    this.cancels.set(name, this.clock.every(ms, run));
  }

  cancel(name: Name): void {
    this.cancels.get(name)?.();
    this.cancels.delete(name);
  }

  cancelAll(): void {
    for (const cancel of this.cancels.values()) cancel();
    this.cancels.clear();
  }
}
