import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Coalescer,
  mergeEvent,
  type ChangeSet,
  type CoalesceOptions,
  type FileEvent,
  type PendingChange,
  type Verdict,
} from '../../src/watch/coalesce.js';

describe('mergeEvent', () => {
  it('keeps the net effect of two events on one path', () => {
    expect(mergeEvent(undefined, 'change')).toBe('change');
    expect(mergeEvent('add', 'change')).toBe('add');
    expect(mergeEvent('add', 'unlink')).toBeNull();
    expect(mergeEvent('unlink', 'add')).toBe('change');
    expect(mergeEvent('change', 'unlink')).toBe('unlink');
    expect(mergeEvent('addDir', 'unlinkDir')).toBeNull();
    expect(mergeEvent('unlinkDir', 'addDir')).toBe('addDir');
  });

  it('never lets a touch hide an event, and lets an event replace a touch', () => {
    expect(mergeEvent('unlink', 'touch')).toBe('unlink');
    expect(mergeEvent('add', 'touch')).toBe('add');
    expect(mergeEvent('touch', 'change')).toBe('change');
    expect(mergeEvent(undefined, 'touch')).toBe('touch');
  });
});

/** A settle stand-in: every path is reported as its event, unless a rule says otherwise. */
class FakeDisk {
  checks: string[][] = [];
  rule: (file: string, change: PendingChange, force: boolean) => Verdict = (_file, change) => ({
    kind: 'report',
    event: change.event === 'touch' ? 'change' : change.event,
  });
  /** While set, checks wait until it resolves (to add events in the middle of one). */
  gate: Promise<void> | null = null;
  settle = async (changes: ReadonlyMap<string, PendingChange>, force: boolean) => {
    this.checks.push([...changes.keys()]);
    if (this.gate) await this.gate;
    return new Map([...changes].map(([file, change]) => [file, this.rule(file, change, force)] as const));
  };
}

// The coalescer's windows are tens of milliseconds: on a fake clock each test says exactly where they end.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
});
const made: Coalescer[] = [];
afterEach(() => {
  for (const coalescer of made.splice(0)) coalescer.dispose();
  vi.useRealTimers();
});

function setup(options: Partial<CoalesceOptions> = {}) {
  const disk = new FakeDisk();
  const sets: ChangeSet[] = [];
  const coalescer = new Coalescer(
    { quietMs: 5, burstQuietMs: 20, followUpMs: 0, maxWaitMs: 5000, retryMs: 5, ...options },
    disk.settle,
    (set) => sets.push(set),
  );
  made.push(coalescer);
  const entries = (set: ChangeSet | undefined): [string, FileEvent][] =>
    [...(set ?? new Map<string, FileEvent>())].sort();
  return { disk, sets, coalescer, entries };
}

/** Runs the clock until no timer is left, and checks the burst is over. */
async function settled(coalescer: Coalescer): Promise<void> {
  await vi.runAllTimersAsync();
  expect(coalescer.busy).toBe(false);
}

describe('Coalescer', () => {
  it('sends a lone change as one set, with its timing', async () => {
    const { sets, coalescer, entries } = setup();
    coalescer.add('change', '/site/a.html');
    await settled(coalescer);
    expect(sets).toHaveLength(1);
    expect(entries(sets[0])).toEqual([['/site/a.html', 'change']]);
    const { timing } = sets[0]!;
    expect(timing.flushedAt - timing.lastEventAt).toBe(5); // the quiet time
    expect(timing.lastEventAt).toBe(timing.firstEventAt);
    expect(timing.events).toBe(1);
  });

  it('gathers a burst of many files into one set', async () => {
    const { sets, coalescer, disk } = setup();
    for (let i = 0; i < 500; i++) coalescer.add('change', `/site/f${i}.html`);
    await settled(coalescer);
    expect(sets).toHaveLength(1);
    expect(sets[0]!.size).toBe(500);
    expect(disk.checks).toHaveLength(1);
  });

  it('merges an atomic save (unlink then add) into one change', async () => {
    const { sets, coalescer, entries } = setup();
    coalescer.add('unlink', '/site/a.html');
    coalescer.add('add', '/site/a.html');
    await settled(coalescer);
    expect(entries(sets[0])).toEqual([['/site/a.html', 'change']]);
  });

  it('sends nothing for a temp file created and removed within the burst', async () => {
    const { sets, coalescer, disk } = setup();
    coalescer.add('add', '/site/a.html.1234');
    coalescer.add('unlink', '/site/a.html.1234');
    await settled(coalescer);
    expect(sets.map((set) => set.size)).toEqual([0]);
    expect(disk.checks).toEqual([]);
  });

  it('leaves out files found unchanged and counts them', async () => {
    const { sets, coalescer, disk, entries } = setup();
    disk.rule = (file) => (file.endsWith('same.css') ? { kind: 'skip' } : { kind: 'report', event: 'change' });
    coalescer.add('change', '/site/same.css');
    coalescer.add('change', '/site/new.css');
    await settled(coalescer);
    expect(sets).toHaveLength(1);
    expect(entries(sets[0])).toEqual([['/site/new.css', 'change']]);
    expect(sets[0]!.timing.unchanged).toBe(1);
  });

  it('holds the whole burst while one file is still being written, then sends it once', async () => {
    const { sets, coalescer, disk, entries } = setup();
    let looks = 0;
    disk.rule = (file, change) => {
      if (file.endsWith('big.bin') && ++looks < 4) return { kind: 'wait' };
      return { kind: 'report', event: change.event as FileEvent };
    };
    coalescer.add('change', '/site/big.bin');
    coalescer.add('change', '/site/index.html');
    await settled(coalescer);
    expect(sets).toHaveLength(1);
    expect(entries(sets[0])).toEqual([
      ['/site/big.bin', 'change'],
      ['/site/index.html', 'change'],
    ]);
    expect(looks).toBe(4);
    // Files already found changed are not read again while the burst waits.
    expect(disk.checks.filter((check) => check.includes('/site/index.html'))).toHaveLength(1);
  });

  it('keeps the burst open for events that arrive while it is being checked', async () => {
    const { sets, coalescer, disk } = setup();
    let open!: () => void;
    disk.gate = new Promise((resolve) => (open = resolve));
    coalescer.add('change', '/site/a.html');
    await vi.advanceTimersByTimeAsync(5);
    expect(disk.checks).toHaveLength(1);
    coalescer.add('change', '/site/b.html');
    open();
    await settled(coalescer);
    expect(sets).toHaveLength(1);
    expect([...sets[0]!.keys()].sort()).toEqual(['/site/a.html', '/site/b.html']);
  });

  it('keeps a file found changed in the set even when a later look finds it as it was', async () => {
    const { sets, coalescer, disk, entries } = setup();
    let open!: () => void;
    disk.gate = new Promise((resolve) => (open = resolve));
    let looks = 0;
    disk.rule = () => (++looks === 1 ? { kind: 'report', event: 'change' } : { kind: 'skip' });
    coalescer.add('change', '/site/a.html');
    await vi.advanceTimersByTimeAsync(5);
    expect(disk.checks).toHaveLength(1);
    coalescer.add('touch', '/site/a.html');
    open();
    await settled(coalescer);
    expect(sets.filter((set) => set.size > 0)).toHaveLength(1);
    expect(entries(sets[0])).toEqual([['/site/a.html', 'change']]);
  });

  it('takes a lone file soon after a sent set as the burst going on (a formatter pausing between files)', async () => {
    const { sets, coalescer, entries } = setup({ quietMs: 5, burstQuietMs: 150, followUpMs: 5000 });
    coalescer.add('change', '/site/a.css');
    await settled(coalescer);
    expect(sets).toHaveLength(1);
    coalescer.add('change', '/site/b.css');
    await vi.advanceTimersByTimeAsync(40); // far longer than a lone file's quiet time
    expect(sets).toHaveLength(1);
    coalescer.add('change', '/site/c.html');
    await vi.advanceTimersByTimeAsync(149);
    expect(sets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sets).toHaveLength(2);
    expect(entries(sets[1])).toEqual([
      ['/site/b.css', 'change'],
      ['/site/c.html', 'change'],
    ]);
  });

  it('holds a lone polled file an interval plus the burst quiet time (times the load) for the rest of its save', async () => {
    // 100 ms + 50 ms × 2: b's poll fell between the two writes, so b is seen an interval (and a bit) after a.
    const { sets, coalescer } = setup({ quietMs: 5, burstQuietMs: 50, pollIntervalMs: 100, busyFactor: () => 2 });
    coalescer.add('change', '/site/a.css');
    await vi.advanceTimersByTimeAsync(120);
    expect(sets).toHaveLength(0);
    coalescer.add('change', '/site/b.html');
    await vi.advanceTimersByTimeAsync(199);
    expect(sets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sets.map((set) => set.size)).toEqual([2]);
  });

  it('scales the burst quiet time by the busy factor read when the burst starts', async () => {
    // 10 ms × 20 = 200 ms of quiet once the burst holds two files.
    const { sets, coalescer: slow } = setup({ quietMs: 5, burstQuietMs: 10, busyFactor: () => 20 });
    slow.add('change', '/site/a.html');
    slow.add('change', '/site/b.html');
    await vi.advanceTimersByTimeAsync(60); // past 10 ms, within 200 ms
    expect(sets).toHaveLength(0);
    slow.add('change', '/site/c.html');
    await vi.advanceTimersByTimeAsync(199);
    expect(sets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sets).toHaveLength(1);
    expect(sets[0]!.size).toBe(3);
  });

  it('cuts an endless stream at the max wait, forcing a look and carrying late events over', async () => {
    const { sets, coalescer, disk } = setup({ maxWaitMs: 60 });
    const forced: boolean[] = [];
    disk.rule = (_file, change, force) => {
      forced.push(force);
      return force ? { kind: 'report', event: change.event as FileEvent } : { kind: 'wait' };
    };
    coalescer.add('change', '/site/log.txt');
    const stream = setInterval(() => coalescer.add('change', '/site/log.txt'), 2);
    await vi.advanceTimersByTimeAsync(59);
    expect(sets).toHaveLength(0);
    expect(forced).not.toContain(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(sets).toHaveLength(1);
    expect(sets[0]!.size).toBe(1);
    expect(forced.at(-1)).toBe(true);
    // Events after the cut start the next burst, cut in its turn.
    await vi.advanceTimersByTimeAsync(4);
    clearInterval(stream);
    await settled(coalescer);
    expect(sets).toHaveLength(2);
    expect(sets[1]!.size).toBe(1);
  });
});
