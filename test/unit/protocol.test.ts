import { describe, expect, it } from 'vitest';
import { formatId, parseId, parseMessage } from '../../src/protocol.js';
import { readCursor } from '../../src/channel/transport.js';
import { Encoded } from '../../src/channel/encoded.js';

describe('message ids', () => {
  it('round-trip bootId.seq', () => {
    expect(parseId(formatId('aB3_-x', 42))).toEqual({ bootId: 'aB3_-x', seq: 42 });
  });

  it.each(['', '42', '.3', 'abc.', 'abc.-1', 'abc.1e3', 'a b.1', 'abc.12345678901234567', `${'x'.repeat(70)}.1`])(
    'reject %j',
    (text) => {
      expect(parseId(text)).toBeNull();
    },
  );

  it('readCursor tells absent from malformed', () => {
    expect(readCursor(null)).toBeNull();
    expect(readCursor('')).toBeNull();
    expect(readCursor('garbage')).toBe('invalid');
    expect(readCursor('boot.7')).toEqual({ bootId: 'boot', seq: 7 });
  });
});

describe('Encoded', () => {
  it('serializes once and frames once per transport', () => {
    const encoded = new Encoded({ kind: 'ping', id: 'b.1' });
    let calls = 0;
    const frame = () => {
      calls++;
      return `data: ${encoded.json}\n\n`;
    };
    expect(encoded.framed('sse', frame)).toBe('data: {"kind":"ping","id":"b.1"}\n\n');
    encoded.framed('sse', frame);
    expect(calls).toBe(1);
  });
});

describe('parseMessage', () => {
  it('returns a message of a known kind', () => {
    expect(parseMessage('{"kind":"reload","id":"a.1","reason":"x","paths":[]}')).toEqual({
      kind: 'reload',
      id: 'a.1',
      reason: 'x',
      paths: [],
    });
  });

  it.each(['not json', 'null', '42', '"reload"', '{}', '{"kind":7}', '{"kind":"from-a-newer-server","id":"a.1"}'])(
    'returns null for %s',
    (text) => {
      expect(parseMessage(text)).toBeNull();
    },
  );
});
