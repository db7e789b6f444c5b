/**
 * An error the user can act on: a bad flag, a busy port, a bad config. The CLI prints its message as is
 * (one or two lines, no stack) and exits with `exitCode`; anything else is a bug and shows its stack.
 */
export class DevpushError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'DevpushError';
  }
}

/** A value as it should appear in an error message: short, typed, never a wall of text. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${value.length} items)`;
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `${JSON.stringify(shown)} (a string)`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'nothing';
  return `${String(value)} (a ${typeof value})`;
}

/** The closest candidate by edit distance, when close enough to be a plausible typo. */
export function didYouMean(input: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
