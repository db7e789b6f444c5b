import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { textFrame } from '../../src/channel/ws-frame.js';

/** ws's own framer (exported by the package, not typed by @types/ws). */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: object): (Buffer | string)[] };
};

// The frame devpush builds once per message is byte for byte the one `ws` would build for each socket.
describe('textFrame', () => {
  it.each([0, 1, 125, 126, 1000, 65_535, 65_536, 200_000])('a %i-byte payload', (size) => {
    const payload = Buffer.alloc(size, 'é'.repeat(1)).subarray(0, size);
    const theirs = Sender.frame(payload, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
    expect(textFrame(payload).equals(Buffer.concat(theirs.map((part) => Buffer.from(part))))).toBe(true);
  });
});
