/** Order statistics of repeated measurements. Percentiles interpolate linearly between ranks. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  /** The middle half: the spread that a shared, noisy machine does not distort much. */
  p25: number;
  p75: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    p25: at(25),
    p75: at(75),
    mean,
  };
}

/** The p50 of each named series, for stage splits. */
export function medians(series: Record<string, readonly number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(series).map(([name, values]) => [name, round(summarize(values).p50)]));
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
