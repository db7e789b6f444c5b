/**
 * Epoch milliseconds with sub-millisecond precision. The same clock in every thread and process on the
 * machine, so the watcher's stage times line up with the server's and the bench's.
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
