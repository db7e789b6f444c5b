import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Coalescer, type ChangeSet, type FileEvent, type PendingChange } from '../../src/watch/coalesce.js';

// Any interleaving of valid events on a few files, plus raw touches anywhere, gives one change set
// holding each file's net effect: created → add, removed → unlink, there before and after → change,
// created and removed again → nothing.

type Op = 'write' | 'remove' | 'touch';
const FILES = ['/site/a.html', '/site/b.css', '/site/c.js'];

const scenario = fc.record({
  existed: fc.array(fc.boolean(), { minLength: FILES.length, maxLength: FILES.length }),
  ops: fc.array(fc.tuple(fc.nat({ max: FILES.length - 1 }), fc.constantFrom<Op>('write', 'remove', 'touch')), {
    minLength: 1,
    maxLength: 30,
  }),
});

/** The events a watcher reports for the ops, and the net effect a model of the disk expects. */
function play(
  existed: boolean[],
  ops: [number, Op][],
): { events: [FileEvent | 'touch', string][]; net: Map<string, FileEvent> } {
  const exists = [...existed];
  const touched = new Set<number>();
  const events: [FileEvent | 'touch', string][] = [];
  for (const [i, op] of ops) {
    const file = FILES[i]!;
    if (op === 'touch') {
      if (exists[i]) events.push(['touch', file]);
      continue;
    }
    if (op === 'write') events.push([exists[i] ? 'change' : 'add', file]);
    else if (exists[i]) events.push(['unlink', file]);
    else continue;
    exists[i] = op === 'write';
    touched.add(i);
  }
  const net = new Map<string, FileEvent>();
  for (const i of touched) {
    if (existed[i] && exists[i]) net.set(FILES[i]!, 'change');
    if (!existed[i] && exists[i]) net.set(FILES[i]!, 'add');
    if (existed[i] && !exists[i]) net.set(FILES[i]!, 'unlink');
  }
  return { events, net };
}

function coalesce(events: [FileEvent | 'touch', string][]): Promise<ChangeSet[]> {
  const sets: ChangeSet[] = [];
  // Every pending path is reported as its net event (a touch alone: its bytes were as before).
  const settle = async (changes: ReadonlyMap<string, PendingChange>) =>
    new Map(
      [...changes].map(([file, change]) => [
        file,
        change.event === 'touch' ? ({ kind: 'skip' } as const) : ({ kind: 'report', event: change.event } as const),
      ]),
    );
  return new Promise((resolve) => {
    const coalescer = new Coalescer(
      { quietMs: 2, burstQuietMs: 2, followUpMs: 0, maxWaitMs: 10_000, retryMs: 2 },
      settle,
      (set) => sets.push(set),
    );
    for (const [event, file] of events) coalescer.add(event, file);
    const poll = setInterval(() => {
      if (coalescer.busy) return;
      clearInterval(poll);
      coalescer.dispose();
      resolve(sets);
    }, 1);
  });
}

describe('Coalescer on any interleaving', () => {
  it('sends one set with the net effect of every file', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ existed, ops }) => {
        const { events, net } = play(existed, ops);
        const sets = (await coalesce(events)).filter((set) => set.size > 0);
        expect(sets.length).toBeLessThanOrEqual(1);
        expect(new Map([...(sets[0] ?? [])].sort())).toEqual(new Map([...net].sort()));
      }),
      { numRuns: 300 },
    );
  });
});
