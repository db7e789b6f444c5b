import { describe, expect, it } from 'vitest';
import { backoffDelay, betterRungDelay, silenceLimitMs } from '../../../client/backoff.js';

const low = () => 0;
const high = () => 0.999_999;

describe('reconnect backoff', () => {
  it('doubles from 300 ms and is capped at 5 s', () => {
    const bases = [0, 1, 2, 3, 4, 5, 6, 20].map((failures) => backoffDelay(failures, high));
    expect(bases.map(Math.round)).toEqual([300, 600, 1200, 2400, 4800, 5000, 5000, 5000]);
  });

  it('waits a random point in the upper half of each step (jitter)', () => {
    for (const failures of [0, 3, 9]) {
      const base = backoffDelay(failures, high);
      expect(backoffDelay(failures, low)).toBeCloseTo(base / 2, 0);
      expect(backoffDelay(failures, () => 0.5)).toBeCloseTo((base * 3) / 4, 0);
    }
  });
});

describe('trying the best rung again', () => {
  it('waits four heartbeats, ± 25 %', () => {
    expect(betterRungDelay(15_000, low)).toBe(45_000);
    expect(betterRungDelay(15_000, () => 0.5)).toBe(60_000);
    expect(betterRungDelay(15_000, high)).toBeCloseTo(75_000, -1);
  });

  it('treats two heartbeats and a second of silence as a dead connection', () => {
    expect(silenceLimitMs(15_000)).toBe(31_000);
  });
});
