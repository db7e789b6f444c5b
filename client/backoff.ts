// When to try again and when to stop waiting: pure functions of attempts, heartbeat and a random number.

const BACKOFF_FIRST_MS = 300;
const BACKOFF_MAX_MS = 5000;
/**
 * While up on a lower rung, try the best one again every this many heartbeats (± 25 %): a minute with
 * the default 15 s heartbeat.
 */
const BETTER_RUNG_RETRY_HEARTBEATS = 4;

/**
 * The wait before reconnecting after `failures` failed rounds in a row: 300 ms doubling up to 5 s, then a
 * random point in the upper half of that (jitter: the tabs that lost one server do not come back in step).
 */
export function backoffDelay(failures: number, random: () => number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** failures);
  return base / 2 + random() * (base / 2);
}

/** The wait, while up on a lower rung, before trying the best rung again. */
export function betterRungDelay(heartbeatMs: number, random: () => number): number {
  return BETTER_RUNG_RETRY_HEARTBEATS * heartbeatMs * (0.75 + random() / 2);
}

/** Silence longer than this means the connection (or the leading tab) is gone: two heartbeats and a second. */
export function silenceLimitMs(heartbeatMs: number): number {
  return 2 * heartbeatMs + 1000;
}
