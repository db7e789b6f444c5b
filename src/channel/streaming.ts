import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatId, type TransportName } from '../protocol.js';
import type { Encoded } from './encoded.js';
import { frameMessage } from './event-stream.js';
import type { ChannelClient, ConnectKind, Cursor, Hub } from './hub.js';
import { identify, remoteAddress, stallDetector, type TransportContext } from './transport.js';

/** TCP keep-alive on long responses, so the OS notices a peer that vanished without a FIN. */
const TCP_KEEPALIVE_MS = 10_000;
/** After asking a response to end, how long it may take to flush before the socket is destroyed. */
const END_GRACE_MS = 1000;

export interface StreamingSetup {
  transport: TransportName;
  headers: Record<string, string>;
  /** Written right after the headers, which it flushes with it (prelude padding, `retry:`). */
  opening: string;
  /** The response ends once this many bytes were written; the client then reopens with its cursor. */
  byteCap: number;
  cursor: Cursor | null;
  kind: ConnectKind;
  /** The request's URL (its query names the page). */
  url: URL;
}

/**
 * A long-lived GET response carrying event-stream frames, as one ChannelClient (the SSE and XHR stream
 * rungs). Its send buffer is bounded by `res.writableLength`; a peer that stops reading is reaped.
 */
export function serveStreaming(
  hub: Hub,
  context: TransportContext,
  req: IncomingMessage,
  res: ServerResponse,
  setup: StreamingSetup,
): void {
  req.socket.setNoDelay(true);
  req.socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
  res.writeHead(200, setup.headers);
  res.write(setup.opening);

  const resumeId = setup.cursor ? formatId(setup.cursor.bootId, setup.cursor.seq) : hub.currentId;
  const stalled = stallDetector(2 * context.heartbeatMs);
  let written = 0;
  let ended = false;

  const end = () => {
    if (ended) return;
    ended = true;
    hub.detach(client);
    res.end();
    setTimeout(() => res.destroy(), END_GRACE_MS).unref();
  };

  const client: ChannelClient = {
    transport: setup.transport,
    peer: remoteAddress(req),
    identity: identify(req, setup.url),
    send(encoded: Encoded) {
      if (ended) return 0;
      if (res.writableLength > context.maxBufferedBytes || stalled(res.writableLength)) return 'overflow';
      const frame = frameMessage(encoded, resumeId);
      res.write(frame);
      const bytes = Buffer.byteLength(frame);
      written += bytes;
      // End after the current burst (a whole replay is written in one go), not in the middle of it.
      if (written >= setup.byteCap) setImmediate(end);
      return bytes;
    },
    close: end,
  };
  res.on('close', () => {
    ended = true;
    hub.detach(client);
  });
  hub.attach(client, setup.cursor, setup.kind);
}
