import { summarize, type Summary } from './stats.js';

export type Unit = 'ms' | 'MiB' | 'KiB' | 'µs' | 'messages' | 'count';

/** A target from the issue: the named statistic must be at most `max` (or exactly `max` with `exact`). */
export interface Target {
  stat: 'p50' | 'p95' | 'p99' | 'max' | 'value';
  max: number;
  exact?: boolean;
}

/** One line of the bench's table and one entry of its JSON. */
export interface Figure {
  group: string;
  name: string;
  unit: Unit;
  /** Repeated measurements, summarized. */
  summary?: Summary;
  /** A single measurement (an RSS, a count). */
  value?: number;
  target?: Target;
  /** Why the figure could not be measured in this run. */
  na?: string;
  /** One line printed under the figure's row (a stage split). */
  note?: string;
  /** Stage splits, settings and anything else that explains the figure. */
  detail?: Record<string, unknown>;
  samples?: number[];
}

export function measured(
  group: string,
  name: string,
  unit: Unit,
  samples: number[],
  extra: Partial<Figure> = {},
): Figure {
  if (samples.length === 0) return notAvailable(group, name, unit, 'no sample was collected', extra);
  return {
    group,
    name,
    unit,
    summary: summarize(samples),
    samples: samples.map((x) => Math.round(x * 1000) / 1000),
    ...extra,
  };
}

export function single(group: string, name: string, unit: Unit, value: number, extra: Partial<Figure> = {}): Figure {
  return { group, name, unit, value, ...extra };
}

export function notAvailable(
  group: string,
  name: string,
  unit: Unit,
  reason: string,
  extra: Partial<Figure> = {},
): Figure {
  return { group, name, unit, na: reason, ...extra };
}

/** The statistic a target is about, or undefined when the figure has no such number. */
export function statOf(figure: Figure, stat: Target['stat']): number | undefined {
  if (stat === 'value') return figure.value ?? figure.summary?.p50;
  return figure.summary?.[stat] ?? figure.value;
}

/** 'met', 'missed', or null when there is no target or no number. */
export function verdict(figure: Figure): 'met' | 'missed' | null {
  if (!figure.target || figure.na) return null;
  const actual = statOf(figure, figure.target.stat);
  if (actual === undefined || Number.isNaN(actual)) return null;
  const ok = figure.target.exact ? actual === figure.target.max : actual <= figure.target.max;
  return ok ? 'met' : 'missed';
}
