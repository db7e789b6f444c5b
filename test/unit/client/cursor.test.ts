import { describe, expect, it } from 'vitest';
import { admit, formatCursor, inSeqOrder, NO_CURSOR, readCursor, relayFit } from '../../../client/cursor.js';
import type { ServerMessage } from '../../../src/protocol.js';

const custom = (id: string): ServerMessage => ({ kind: 'custom', id, event: 'e', data: id });
const hello = (bootId: string, seq: number): ServerMessage => ({
  kind: 'hello',
  id: `${bootId}.${seq}`,
  bootId,
  seq,
  heartbeatMs: 1000,
  transport: 'sse',
});

/** Feeds messages through the rule as a connection does; returns the ids applied and the cursor after. */
function run(start: string | null, messages: ServerMessage[]): { applied: string[]; cursor: string | null } {
  let cursor = readCursor(start);
  const applied: string[] = [];
  for (const message of messages) {
    const admission = admit(cursor, message);
    cursor = admission.cursor;
    if (admission.apply) applied.push(message.id);
  }
  return { applied, cursor: formatCursor(cursor) };
}

describe('the exactly-once rule', () => {
  it('applies each message once, even when a reconnect replays it again and again', () => {
    const a1 = custom('a.1');
    const a2 = custom('a.2');
    const a3 = custom('a.3');
    const result = run('a.0', [hello('a', 2), a1, a2, hello('a', 2), a1, a2, a3, a2, a1, a3]);
    expect(result).toEqual({ applied: ['a.1', 'a.2', 'a.3'], cursor: 'a.3' });
  });

  it('skips what the page already had when it was served (the cursor from its tag)', () => {
    expect(run('a.5', [hello('a', 6), custom('a.4'), custom('a.5'), custom('a.6')]).applied).toEqual(['a.6']);
  });

  it('a fresh start (no cursor) takes its run and seq from the first hello', () => {
    expect(run(null, [hello('a', 3), custom('a.3'), custom('a.4')])).toEqual({ applied: ['a.4'], cursor: 'a.4' });
  });

  it('a later hello does not move the cursor', () => {
    expect(run('a.2', [hello('a', 9)]).cursor).toBe('a.2');
  });

  it('shows an error again even when seen (it is state, not an event), without moving the cursor back', () => {
    const error: ServerMessage = { kind: 'error', id: 'a.2', source: 'main.ts', errors: [] };
    expect(run('a.3', [error])).toEqual({ applied: ['a.2'], cursor: 'a.3' });
  });

  it('drops a message with a malformed id, and never applies hello or ping', () => {
    const ping: ServerMessage = { kind: 'ping', id: 'a.1' };
    expect(run('a.0', [hello('a', 1), ping, custom('garbage'), custom('a.1')]).applied).toEqual(['a.1']);
  });

  it('applies resync (the page reloads) and relays pings and new messages, not hello or resync', () => {
    const resync: ServerMessage = { kind: 'resync', id: 'a.0', reason: 'gone' };
    const ping: ServerMessage = { kind: 'ping', id: 'a.0' };
    const cursor = readCursor('a.0');
    expect(admit(cursor, resync)).toMatchObject({ apply: true, relay: false });
    expect(admit(cursor, ping)).toMatchObject({ apply: false, relay: true });
    expect(admit(cursor, hello('a', 0))).toMatchObject({ apply: false, relay: false });
    expect(admit(cursor, custom('a.1'))).toMatchObject({ apply: true, relay: true });
    expect(admit(cursor, custom('a.0'))).toMatchObject({ apply: false, relay: false });
  });

  it('reads a malformed cursor as none', () => {
    expect(readCursor('not a cursor')).toEqual(NO_CURSOR);
    expect(formatCursor(NO_CURSOR)).toBeNull();
  });
});

describe('relayed messages against the cursor', () => {
  const cursor = readCursor('a.4');
  it('takes the next one and repeats, and sees a gap past the next', () => {
    expect(relayFit(cursor, custom('a.5'))).toBe('next');
    expect(relayFit(cursor, custom('a.3'))).toBe('next');
    expect(relayFit(cursor, custom('a.6'))).toBe('gap');
  });

  it('ignores pings and other runs', () => {
    expect(relayFit(cursor, { kind: 'ping', id: 'a.9' })).toBe('ignore');
    expect(relayFit(cursor, custom('b.9'))).toBe('ignore');
  });

  it('orders buffered messages by seq', () => {
    expect(inSeqOrder([custom('a.3'), custom('a.1'), custom('a.2')]).map((m) => m.id)).toEqual(['a.1', 'a.2', 'a.3']);
  });
});
