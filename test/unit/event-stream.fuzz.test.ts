import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventStreamParser, type StreamEvent } from '../../client/transports/event-stream.js';

// Any valid stream, cut anywhere into any number of chunks, gives the same events as the whole of it.

const value = fc.stringMatching(/^[a-z0-9 {}":,.é]{0,10}$/).filter((v) => !v.startsWith(' '));
const event = fc.record({
  id: fc.option(fc.stringMatching(/^[a-zA-Z0-9_.-]{1,8}$/), { nil: null }),
  lines: fc.array(value, { minLength: 1, maxLength: 3 }),
  comment: fc.option(value, { nil: null }),
  space: fc.boolean(),
});
const newline = fc.constantFrom('\n', '\r\n', '\r');

const stream = fc
  .tuple(fc.array(event, { maxLength: 8 }), newline, fc.option(value, { nil: null }))
  .map(([events, nl, prelude]) => {
    const sp = (space: boolean) => (space ? ' ' : '');
    const text =
      (prelude === null ? '' : `:${prelude}${nl}${nl}`) +
      events
        .map(
          (e) =>
            (e.comment === null ? '' : `:${e.comment}${nl}`) +
            (e.id === null ? '' : `id:${sp(e.space)}${e.id}${nl}`) +
            e.lines.map((line) => `data:${sp(e.space)}${line}${nl}`).join('') +
            nl,
        )
        .join('');
    const expected: StreamEvent[] = events.map((e) => ({ id: e.id, data: e.lines.join('\n') }));
    return { text, expected };
  });

function parseInChunks(text: string, cuts: number[]): StreamEvent[] {
  const parser = new EventStreamParser();
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const events: StreamEvent[] = [];
  let from = 0;
  for (const cut of [...at, text.length]) {
    events.push(...parser.feed(text.slice(from, cut)));
    from = cut;
  }
  return events;
}

describe('EventStreamParser on any split of any valid stream', () => {
  it('gives the same events as the whole stream, and the ones written', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 20 }), ({ text, expected }, cuts) => {
        expect(parseInChunks(text, [])).toEqual(expected);
        expect(parseInChunks(text, cuts)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('byte by byte', () => {
    fc.assert(
      fc.property(stream, ({ text, expected }) => {
        expect(
          parseInChunks(
            text,
            Array.from({ length: text.length }, (_, i) => i),
          ),
        ).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
