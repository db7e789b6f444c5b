import type { ServerMessage } from '../protocol.js';

/**
 * A message serialized once. Broadcast hands the same Encoded to every client; each transport frames it
 * once (SSE `id:`/`data:` lines, a length-prefixed stream chunk...) and the frame is cached here, so a
 * broadcast to N clients costs one JSON.stringify and one framing per transport, not N.
 */
export class Encoded<M extends ServerMessage = ServerMessage> {
  readonly json: string;
  private readonly frames = new Map<string, string | Buffer>();

  constructor(readonly message: M) {
    this.json = JSON.stringify(message);
  }

  framed<F extends string | Buffer>(key: string, frame: (encoded: Encoded<M>) => F): F {
    let framed = this.frames.get(key) as F | undefined;
    if (framed === undefined) {
      framed = frame(this);
      this.frames.set(key, framed);
    }
    return framed;
  }
}
