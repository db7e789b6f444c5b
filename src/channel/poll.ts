import { CURSOR_PARAM, formatId } from '../protocol.js';
import type { Encoded } from './encoded.js';
import { frameMessage } from './event-stream.js';
import type { ChannelClient, Hub } from './hub.js';
import {
  connectKind,
  identify,
  readCursor,
  refuseCursor,
  remoteAddress,
  type Transport,
  type TransportContext,
} from './transport.js';

/** Longest a poll is held with nothing to say. The hub's ping (every heartbeat) usually answers it first. */
export const POLL_HOLD_MS = 25_000;

/**
 * Rung 4: long polling, for networks that buffer every response until it ends. Each request carries the
 * client's cursor and is a short-lived hub client. The first request of a connection is answered at once
 * (hello, and whatever the cursor missed); a continuation (CONTINUE_PARAM) is answered at once when
 * messages wait, else held until one arrives, a ping, or POLL_HOLD_MS. A body is complete event-stream
 * frames with a Content-Length, so even a buffering proxy passes it unchanged.
 */
export function createPollTransport(hub: Hub, context: TransportContext, holdMs = POLL_HOLD_MS): Transport {
  const held = new Set<() => void>();
  return {
    name: 'poll',
    request(req, res, url) {
      const cursor = readCursor(url.searchParams.get(CURSOR_PARAM));
      if (cursor === 'invalid') {
        refuseCursor(res, `cursor (${CURSOR_PARAM})`);
        return;
      }
      const kind = connectKind(url);
      const resumeId = cursor ? formatId(cursor.bootId, cursor.seq) : hub.currentId;
      const frames: string[] = [];
      let queued = 0;
      let attaching = true;
      let done = false;
      let timer: NodeJS.Timeout | undefined;

      const finish = () => {
        done = true;
        clearTimeout(timer);
        held.delete(answer);
        hub.detach(client);
      };
      const answer = () => {
        if (done) return;
        finish();
        const body = frames.join('');
        res.writeHead(200, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Cache-Control': 'no-store',
        });
        res.end(body);
      };
      const client: ChannelClient = {
        transport: 'poll',
        peer: remoteAddress(req),
        identity: identify(req, url),
        send(encoded: Encoded) {
          if (done) return 0;
          const frame = frameMessage(encoded, resumeId);
          const bytes = Buffer.byteLength(frame);
          if (queued + bytes > context.maxBufferedBytes) return 'overflow';
          frames.push(frame);
          queued += bytes;
          // Answer after the current burst, so messages published together travel in one body.
          if (!attaching) setImmediate(answer);
          return bytes;
        },
        close: answer,
      };
      res.on('close', () => {
        if (!done) finish();
      });

      hub.attach(client, cursor, kind);
      attaching = false;
      if (done) return;
      if (kind !== 'continue' || frames.length > 1) {
        answer();
        return;
      }
      held.add(answer);
      timer = setTimeout(answer, holdMs);
      timer.unref();
    },
    close() {
      for (const answer of [...held]) answer();
    },
  };
}
