import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WriterHabits } from '../../src/watch/writers.js';

const OPTIONS = { writerStillMs: 60, writerMaxStillMs: 1000, writerMemoryMs: 5000, writerMaxWaitMs: 10_000 };
const stat = (size: number, mtimeMs: number) => ({ size, mtimeMs }) as Stats;

describe('WriterHabits', () => {
  it('keeps the normal wait for a file never seen being written', () => {
    const habits = new WriterHabits(OPTIONS, () => 1000);
    expect(habits.grew('a', stat(10, 900), 990)).toBe(false);
    expect(habits.stillMs('a', 3)).toBe(3);
    expect(habits.isWriter('a')).toBe(false);
  });

  it('learns a slow writer from growth between two looks, and waits twice its longest pause', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.grew('a', stat(100, 990), 995);
    now = 1010;
    expect(habits.grew('a', stat(200, 1030 - 0), 995)).toBe(true); // 40 ms between writes
    expect(habits.isWriter('a')).toBe(true);
    expect(habits.stillMs('a', 3)).toBe(80);
    now = 1020;
    habits.grew('a', stat(300, 1030 + 900), 995);
    expect(habits.stillMs('a', 3)).toBe(1000); // capped
  });

  it("stretches a writer's quiet time by the machine's busy factor, never past the cap", () => {
    let now = 1000;
    let busy = 3;
    const habits = new WriterHabits({ ...OPTIONS, busyFactor: () => busy }, () => now);
    habits.grew('a', stat(100, 990), 995);
    now = 1010;
    habits.grew('a', stat(200, 1030), 995); // 40 ms between writes
    expect(habits.stillMs('a', 3)).toBe(240);
    busy = 20;
    expect(habits.stillMs('a', 3)).toBe(1000);
    expect(habits.stillMs('b', 3)).toBe(3); // not a writer: the normal wait, whatever the load
  });

  it('does not count how long a file stayed empty as a pause of its writer', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.grew('a', stat(0, 900), 995);
    now = 1040;
    expect(habits.grew('a', stat(50, 1035), 995)).toBe(true);
    expect(habits.stillMs('a', 3)).toBe(60);
  });

  it('learns a writer from its first event: truncated, then filled well after, though no look saw it empty', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.noticed('a', stat(0, 998)); // the first event of the burst: the file was just truncated
    now = 1040; // the look after the quiet window, on a machine too busy to have looked sooner
    expect(habits.grew('a', stat(563, 1020), 1000)).toBe(true);
    expect(habits.isWriter('a')).toBe(true);
  });

  it('lets a writer known only from its first event wait its quiet time, never hold past the burst', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.noticed('a', stat(0, 998)); // a checkout paused between creating the file and writing it
    now = 1040;
    expect(habits.grew('a', stat(563, 1020), 1000)).toBe(true);
    habits.sign('a'); // the look's verdict ("writing") keeps the sign's strength
    expect(habits.stillMs('a', 3)).toBe(60);
    expect(habits.mayHold('a')).toBe(false);
    now = 1050;
    expect(habits.grew('a', stat(900, 1048), 1000)).toBe(true); // growth between two looks: a slow writer
    expect(habits.mayHold('a')).toBe(true);
  });

  it('forgets a writer known only from its first event once its wait is over: the next save is an ordinary one', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.noticed('a', stat(0, 999)); // truncated, and its writer descheduled before it wrote (a loaded machine)
    now = 1030;
    expect(habits.grew('a', stat(440, 1008), 1000)).toBe(true); // written 9 ms later: this save waits
    expect(habits.stillMs('a', 3)).toBe(60);
    now = 1089;
    expect(habits.isWriter('a')).toBe(true);
    now = 1090;
    expect(habits.isWriter('a')).toBe(false);
    expect(habits.stillMs('a', 3)).toBe(3);
  });

  it('does not take a normal save caught between two of its write calls at its first event for a writer', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.noticed('a', stat(0, 999.2)); // between the truncation and the write, in the same instant
    now = 1012;
    expect(habits.grew('a', stat(4096, 999.6), 1000)).toBe(false);
    expect(habits.isWriter('a')).toBe(false);
    expect(habits.stillMs('a', 3)).toBe(3);
  });

  it('remembers a writer for a while (its next save is treated alike), then forgets', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.sign('a');
    now = 5999;
    expect(habits.isWriter('a')).toBe(true);
    now = 6000;
    expect(habits.isWriter('a')).toBe(false);
  });

  it('lets a writer hold its change past the burst max wait only up to its own limit', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.sign('a');
    for (now = 1000; now < 11_000; now += 50) {
      habits.sign('a');
      expect(habits.mayHold('a')).toBe(true);
    }
    habits.sign('a');
    expect(habits.mayHold('a')).toBe(false);
  });

  it('does not hold a file caught writing once and quiet since', () => {
    let now = 1000;
    const habits = new WriterHabits(OPTIONS, () => now);
    habits.sign('a');
    expect(habits.mayHold('a')).toBe(true);
    now = 1060;
    expect(habits.isWriter('a')).toBe(true);
    expect(habits.mayHold('a')).toBe(false);
  });
});
