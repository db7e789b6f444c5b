import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer, type ChangeSet, type PendingChange, type Verdict } from '../../src/watch/coalesce.js';
import { ContentIndex } from '../../src/watch/contents.js';
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createPeek, looksComplete, type PeekResult, scriptLooksComplete } from '../../src/watch/first-sight.js';
import { DEFAULT_SETTLE } from '../../src/watch/settle.js';
import { WriterHabits } from '../../src/watch/writers.js';

describe('looksComplete', () => {
  it('takes whole stylesheets', () => {
    expect(looksComplete('h1 { color: red }')).toBe(true);
    expect(looksComplete('@import url("a.css");\n')).toBe(true);
    expect(looksComplete('a { content: "}{" } /* { */\n')).toBe(true);
    expect(looksComplete('@media (min-width: 1px) { a { b: c } }')).toBe(true);
    expect(looksComplete("a::after { content: '\\'' }")).toBe(true);
  });

  it('refuses text cut anywhere inside a rule, a comment or a string', () => {
    const whole = '@media screen { h1 { color: red; background: url("a b.png") } } /* done */ p { margin: 0 }';
    expect(looksComplete(whole)).toBe(true);
    const cuts = [...whole].map((_, i) => whole.slice(0, i)).filter((cut) => looksComplete(cut));
    // Only cuts right after a closed rule pass (and are sent again, whole, after the quiet window).
    expect(cuts).toEqual([
      '@media screen { h1 { color: red; background: url("a b.png") } }',
      '@media screen { h1 { color: red; background: url("a b.png") } } ',
      '@media screen { h1 { color: red; background: url("a b.png") } } /* done */',
      '@media screen { h1 { color: red; background: url("a b.png") } } /* done */ ',
    ]);
    expect(looksComplete('')).toBe(false);
    expect(looksComplete('  \n')).toBe(false);
    expect(looksComplete('a { b: c } }')).toBe(false);
  });
});

describe('scriptLooksComplete', () => {
  const fixture = (file: string) => readFileSync(path.join(import.meta.dirname, '../fixtures', file), 'utf8');
  const modules: [string, 'ts' | 'tsx'][] = [
    [fixture('hmr-vanilla/src/main.ts'), 'ts'],
    [fixture('hmr-vanilla/src/holder.ts'), 'ts'],
    [fixture('react-app/src/Card.tsx'), 'tsx'],
    [
      "const a = { b: [1, (2)] }; // a 'comment\nconst t = `x ${a.b.map((n) => `${n}}`).join('{')} y`;\n" +
        '/* } */ export function f(s = \')\'): string {\n  return s + "\\"" + t;\n}\n',
      'ts',
    ],
  ];

  it('takes whole modules: comments, strings and templates holding brackets, nested templates', () => {
    for (const [code] of modules) expect(scriptLooksComplete(code), code).toBe(true);
  });

  it('never takes a cut that does not parse: only cuts right after a whole statement pass', () => {
    for (const [code, loader] of modules) {
      const passing = [...code].map((_, i) => code.slice(0, i)).filter((cut) => scriptLooksComplete(cut));
      for (const cut of passing) expect(() => transformSync(cut, { loader }), cut).not.toThrow();
      expect(passing.length).toBeLessThan(code.length / 10);
    }
  });

  it('counts what it cannot read as incomplete', () => {
    expect(scriptLooksComplete('')).toBe(false);
    expect(scriptLooksComplete('export default App\n')).toBe(false); // no semicolon: the quiet window decides
    expect(scriptLooksComplete('export const a = 1;')).toBe(false); // no final line break
    expect(scriptLooksComplete('const s = `a ${b}')).toBe(false);
    expect(scriptLooksComplete('f(a, [1, 2)];')).toBe(false);
  });
});

describe('createPeek, on real files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devpush-peek-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const change = (event: PendingChange['event']): PendingChange => ({ event, firstAt: Date.now(), lastAt: Date.now() });

  it('sends a complete-looking stylesheet at once, and not twice for the same bytes', async () => {
    const file = path.join(dir, 'a.css');
    writeFileSync(file, 'h1 { color: red }');
    const peek = createPeek(new ContentIndex(), new WriterHabits(DEFAULT_SETTLE));
    expect(await peek(file, change('change'))).toEqual({ kind: 'send', event: 'change' });
    expect(await peek(file, change('change'))).toEqual({ kind: 'none' });
  });

  it('says empty for a truncated file, and sends nothing for a half-written one', async () => {
    const file = path.join(dir, 'b.css');
    const peek = createPeek(new ContentIndex(), new WriterHabits(DEFAULT_SETTLE));
    writeFileSync(file, 'h1 { color: red }');
    await peek(file, change('change'));
    writeFileSync(file, '');
    expect(await peek(file, change('change'))).toEqual({ kind: 'empty' });
    writeFileSync(file, 'h1 { color: gre');
    expect(await peek(file, change('change'))).toEqual({ kind: 'none' });
    writeFileSync(file, 'h1 { color: green }');
    expect(await peek(file, change('change'))).toEqual({ kind: 'send', event: 'change' });
  });

  it('sends a complete-looking module at once, and nothing for one cut mid-statement', async () => {
    const file = path.join(dir, 'm.ts');
    const peek = createPeek(new ContentIndex(), new WriterHabits(DEFAULT_SETTLE));
    writeFileSync(file, 'export const n: number = 1;\nif (import.meta.hot) import.meta.hot.accept();\n');
    expect(await peek(file, change('change'))).toEqual({ kind: 'send', event: 'change' });
    writeFileSync(file, 'export const n: number = 2;\nif (import.meta.hot) import.meta.hot.acc');
    expect(await peek(file, change('change'))).toEqual({ kind: 'none' });
  });

  it('leaves alone files caught writing slowly, files that are not stylesheets or scripts, and new files', async () => {
    const file = path.join(dir, 'c.css');
    writeFileSync(file, 'h1 { color: red }');
    const writers = new WriterHabits(DEFAULT_SETTLE);
    writers.sign(file);
    const peek = createPeek(new ContentIndex(), writers);
    expect(await peek(file, change('change'))).toEqual({ kind: 'none' });
    const page = path.join(dir, 'd.html');
    writeFileSync(page, '<p>hi</p>');
    const fresh = createPeek(new ContentIndex(), new WriterHabits(DEFAULT_SETTLE));
    expect(await fresh(page, change('change'))).toEqual({ kind: 'none' });
    expect(await fresh(path.join(dir, 'a.css'), change('add'))).toEqual({ kind: 'none' });
  });
});

describe('Coalescer: first sight', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date', 'performance'] });
  });
  const made: Coalescer[] = [];
  afterEach(() => {
    for (const coalescer of made.splice(0)) coalescer.dispose();
    vi.useRealTimers();
  });

  function setup(peekResult: PeekResult, verdict: Verdict) {
    const sets: ChangeSet[] = [];
    const peeks: string[] = [];
    const checks: string[][] = [];
    const coalescer = new Coalescer(
      { quietMs: 10, burstQuietMs: 40, followUpMs: 100, maxWaitMs: 5000, retryMs: 5 },
      async (changes) => {
        checks.push([...changes.keys()]);
        return new Map([...changes.keys()].map((file) => [file, verdict] as const));
      },
      (set) => sets.push(set),
      async (file) => {
        peeks.push(file);
        return peekResult;
      },
    );
    made.push(coalescer);
    return { sets, peeks, checks, coalescer };
  }

  it('sends a lone stylesheet before the quiet window, and not again when the check finds it as sent', async () => {
    const { sets, peeks, checks, coalescer } = setup({ kind: 'send', event: 'change' }, { kind: 'skip' });
    coalescer.add('touch', '/site/style.css');
    coalescer.add('change', '/site/style.css');
    await vi.advanceTimersByTimeAsync(1);
    expect(sets.map((set) => [...set.keys()])).toEqual([['/site/style.css']]);
    expect(sets[0]!.timing.flushedAt - sets[0]!.timing.firstEventAt).toBeLessThan(10);
    expect(peeks).toEqual(['/site/style.css']);
    await vi.runAllTimersAsync();
    // The check after the quiet window still ran: its "same bytes" is not counted as a no-op save.
    expect(checks).toEqual([['/site/style.css']]);
    expect(sets.map((set) => [set.size, set.timing.unchanged])).toEqual([
      [1, 0],
      [0, 0],
    ]);
  });

  it('sends it again when the check finds newer bytes', async () => {
    const { sets, coalescer } = setup({ kind: 'send', event: 'change' }, { kind: 'report', event: 'change' });
    coalescer.add('change', '/site/style.css');
    await vi.runAllTimersAsync();
    expect(sets.map((set) => set.size)).toEqual([1, 1]);
  });

  it('waits for the quiet window when a second path joins, after an emptied file, or after another set', async () => {
    const burst = setup({ kind: 'send', event: 'change' }, { kind: 'report', event: 'change' });
    burst.coalescer.add('change', '/site/a.css');
    burst.coalescer.add('change', '/site/b.css');
    await vi.runAllTimersAsync();
    expect(burst.sets.map((set) => set.size)).toEqual([2]);

    const emptied = setup({ kind: 'empty' }, { kind: 'report', event: 'change' });
    emptied.coalescer.add('touch', '/site/a.css');
    await vi.advanceTimersByTimeAsync(1);
    emptied.coalescer.add('change', '/site/a.css');
    await vi.runAllTimersAsync();
    expect(emptied.peeks).toEqual(['/site/a.css']);
    expect(emptied.sets.map((set) => set.size)).toEqual([1]);

    const followUp = setup({ kind: 'none' }, { kind: 'report', event: 'change' });
    followUp.coalescer.add('change', '/site/a.css');
    await vi.runAllTimersAsync();
    followUp.coalescer.add('change', '/site/a.css'); // within followUpMs of the set just sent
    await vi.runAllTimersAsync();
    expect(followUp.peeks).toEqual(['/site/a.css']);
    expect(followUp.sets.map((set) => set.size)).toEqual([1, 1]);
  });
});
