import { describe, expect, it } from 'vitest';
import { connectKind, readCursor, stallDetector } from '../../src/channel/transport.js';

describe('stallDetector', () => {
  it('reaps a peer whose queue has not emptied for longer than the limit', () => {
    let now = 0;
    const stalled = stallDetector(1000, () => now);
    expect(stalled(10)).toBe(false);
    now = 900;
    expect(stalled(50)).toBe(false);
    now = 1001;
    expect(stalled(50)).toBe(true);
  });

  it('forgets a stall once the queue has emptied', () => {
    let now = 0;
    const stalled = stallDetector(1000, () => now);
    stalled(10);
    now = 800;
    expect(stalled(0)).toBe(false);
    now = 1500;
    expect(stalled(10)).toBe(false);
  });
});

describe('request reading', () => {
  it('reads cursors: absent, valid, malformed', () => {
    expect(readCursor(null)).toBeNull();
    expect(readCursor('')).toBeNull();
    expect(readCursor('abc.4')).toEqual({ bootId: 'abc', seq: 4 });
    expect(readCursor('abc')).toBe('invalid');
    expect(readCursor('a b.1')).toBe('invalid');
  });

  it('tells new connections, reconnects and continuations apart', () => {
    expect(connectKind(new URL('http://x/?t=1'))).toBe('new');
    expect(connectKind(new URL('http://x/?re=1'))).toBe('reconnect');
    expect(connectKind(new URL('http://x/?re=1&c=1'))).toBe('continue');
  });
});
