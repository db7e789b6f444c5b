import { setTimeout as delay } from 'node:timers/promises';

/**
 * Epoch milliseconds with sub-millisecond precision: the same clock devpush uses for its stage timings
 * and the page uses for `performance.timeOrigin + performance.now()`, so times compare across processes.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => delay(ms);

/** Resolves with `promise`, or rejects after `ms` with a message that says what was awaited. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns a value (not undefined), or throws after `ms`. */
export async function until<T>(
  ms: number,
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  everyMs = 5,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
