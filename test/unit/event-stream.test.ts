import { describe, expect, it } from 'vitest';
import { EventStreamParser } from '../../client/transports/event-stream.js';
import { Encoded } from '../../src/channel/encoded.js';
import { commentFrame, eventFrame, frameMessage, prelude, retryFrame } from '../../src/channel/event-stream.js';
import type { ServerMessage } from '../../src/protocol.js';

describe('event-stream framing', () => {
  it('frames a message as one id line and one data line', () => {
    expect(eventFrame('abc.3', '{"kind":"ping"}')).toBe('id: abc.3\ndata: {"kind":"ping"}\n\n');
  });

  it('keeps a message with line breaks in its text on one data line', () => {
    const message: ServerMessage = { kind: 'reload', id: 'abc.1', reason: 'a\nb\r\nc\u2028d', paths: [] };
    const frame = frameMessage(new Encoded(message), 'abc.0');
    expect(frame.split('\n')).toHaveLength(4);
    expect(frame.startsWith('id: abc.1\ndata: ')).toBe(true);
  });

  it('gives hello and resync the resume id, every other message its own', () => {
    const hello: ServerMessage = { kind: 'hello', id: 'b.9', bootId: 'b', seq: 9, heartbeatMs: 1000, transport: 'sse' };
    const resync: ServerMessage = { kind: 'resync', id: 'b.9', reason: 'x' };
    const css: ServerMessage = { kind: 'css', id: 'b.10', paths: [], version: 1 };
    expect(frameMessage(new Encoded(hello), 'b.4')).toMatch(/^id: b\.4\n/);
    expect(frameMessage(new Encoded(resync), 'old.2')).toMatch(/^id: old\.2\n/);
    expect(frameMessage(new Encoded(css), 'b.4')).toMatch(/^id: b\.10\n/);
  });

  it('frames a shared message once for every client', () => {
    const encoded = new Encoded<ServerMessage>({ kind: 'css', id: 'b.1', paths: [], version: 1 });
    expect(frameMessage(encoded, 'b.0')).toBe(frameMessage(encoded, 'b.0'));
  });

  it('writes comments, retry and a padded prelude', () => {
    expect(commentFrame('a\nb')).toBe(': a b\n\n');
    expect(retryFrame(1500.7)).toBe('retry: 1500\n\n');
    expect(prelude(4)).toBe(':    \n\n');
    expect(prelude().length).toBeGreaterThan(2048);
  });
});

describe('EventStreamParser', () => {
  it('reads events split at any byte, with comments and every line ending', () => {
    const text = `${prelude(8)}retry: 10\r\n\r\nid: a.1\ndata: one\n\n: note\rid: a.2\rdata: two\r\rdata: x\ndata: y\r\n\r\n`;
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new EventStreamParser();
      const events = [...parser.feed(text.slice(0, cut)), ...parser.feed(text.slice(cut))];
      expect(events).toEqual([
        { id: 'a.1', data: 'one' },
        { id: 'a.2', data: 'two' },
        { id: null, data: 'x\ny' },
      ]);
    }
  });

  it('parses what the framing writes', () => {
    const parser = new EventStreamParser();
    const json = JSON.stringify({ kind: 'reload', reason: 'a\nb' });
    expect(parser.feed(eventFrame('z.1', json) + eventFrame('z.2', '{}'))).toEqual([
      { id: 'z.1', data: json },
      { id: 'z.2', data: '{}' },
    ]);
  });

  it('holds an unfinished event until its blank line', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('id: q.1\ndata: {}\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ id: 'q.1', data: '{}' }]);
  });
});

// Shrunk by the fuzz test (event-stream.fuzz.test.ts).
describe('EventStreamParser and a CR at the end of a chunk', () => {
  it('ends the event at once, and skips the LF of a CRLF split across chunks', () => {
    const parser = new EventStreamParser();
    expect(parser.feed('data:\r\r')).toEqual([{ id: null, data: '' }]);
    expect(parser.feed('data: a\r')).toEqual([]);
    expect(parser.feed('\n')).toEqual([]);
    expect(parser.feed('\r\n')).toEqual([{ id: null, data: 'a' }]);
  });
});
