import { describe, expect, it } from 'vitest';
import { verdict } from '../../bench/figure.js';
import { percentile, summarize } from '../../bench/stats.js';

describe('bench statistics', () => {
  it('interpolates percentiles between ranks', () => {
    const sorted = [10, 20, 30, 40, 50];
    expect(percentile(sorted, 50)).toBe(30);
    expect(percentile(sorted, 25)).toBe(20);
    expect(percentile(sorted, 95)).toBeCloseTo(48);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted samples', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ n: 5, p50: 3, min: 1, max: 5, p25: 2, p75: 4, mean: 3 });
  });

  it('judges a figure against its target', () => {
    const base = { group: 'g', name: 'n', unit: 'ms' as const };
    expect(verdict({ ...base, value: 9, target: { stat: 'value', max: 10 } })).toBe('met');
    expect(verdict({ ...base, value: 11, target: { stat: 'value', max: 10 } })).toBe('missed');
    expect(verdict({ ...base, value: 2, target: { stat: 'value', max: 1, exact: true } })).toBe('missed');
    expect(verdict({ ...base, na: 'not yet', target: { stat: 'p50', max: 10 } })).toBeNull();
    expect(verdict({ ...base, value: 3 })).toBeNull();
  });
});
