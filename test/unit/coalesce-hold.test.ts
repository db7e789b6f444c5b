import { afterEach, describe, expect, it, vi } from 'vitest';
import { Coalescer, type ChangeSet, type PendingChange, type Verdict } from '../../src/watch/coalesce.js';

const made: Coalescer[] = [];
afterEach(() => {
  for (const coalescer of made.splice(0)) coalescer.dispose();
});

describe('Coalescer and a file still being written at the max wait', () => {
  it('sends the rest of the burst and carries the file over to the next set, never dropping it', async () => {
    let slowDone = false;
    const rule = (file: string, change: PendingChange): Verdict =>
      file === '/site/slow.txt' && !slowDone ? { kind: 'wait' } : { kind: 'report', event: change.event as 'change' };
    const settle = async (changes: ReadonlyMap<string, PendingChange>) =>
      new Map([...changes].map(([file, change]) => [file, rule(file, change)] as const));
    const sets: ChangeSet[] = [];
    const coalescer = new Coalescer(
      { quietMs: 5, burstQuietMs: 20, followUpMs: 0, maxWaitMs: 60, retryMs: 5 },
      settle,
      (set) => sets.push(set),
    );
    made.push(coalescer);
    coalescer.add('change', '/site/slow.txt');
    coalescer.add('change', '/site/fast.html');
    await vi.waitFor(() => expect(sets.some((set) => set.has('/site/fast.html'))).toBe(true), { timeout: 5000 });
    expect(sets.flatMap((set) => [...set.keys()])).toEqual(['/site/fast.html']);
    expect(coalescer.busy).toBe(true);
    slowDone = true;
    await vi.waitFor(() => expect(coalescer.busy).toBe(false), { timeout: 5000 });
    expect(sets.flatMap((set) => [...set.keys()])).toEqual(['/site/fast.html', '/site/slow.txt']);
  });
});
