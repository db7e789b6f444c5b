import { CURSOR_PARAM } from '../protocol.js';
import { prelude, retryFrame } from './event-stream.js';
import type { Hub } from './hub.js';
import { serveStreaming } from './streaming.js';
import { connectKind, readCursor, refuseCursor, type Transport, type TransportContext } from './transport.js';

/** How long EventSource waits before reconnecting by itself (the devpush client recreates it sooner). */
export const SSE_RETRY_MS = 2000;

/**
 * The headers that keep an event stream flowing through middleboxes: no caching or transformation
 * (`no-transform` also stops compressing proxies), and no buffering in nginx (`X-Accel-Buffering`).
 * devpush itself never compresses a channel response.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/**
 * Rung 2: Server-Sent Events. The cursor comes from `Last-Event-ID` when EventSource reconnects by itself,
 * else from the query; either one malformed is a 400 (EventSource then stops, and the client starts over).
 */
export function createSseTransport(hub: Hub, context: TransportContext): Transport {
  return {
    name: 'sse',
    request(req, res, url) {
      const header = req.headers['last-event-id'];
      const fromHeader = typeof header === 'string' && header !== '';
      const cursor = readCursor(fromHeader ? header : url.searchParams.get(CURSOR_PARAM));
      if (cursor === 'invalid') {
        refuseCursor(res, fromHeader ? 'Last-Event-ID header' : `cursor (${CURSOR_PARAM})`);
        return;
      }
      serveStreaming(hub, context, req, res, {
        transport: 'sse',
        headers: { ...SSE_HEADERS },
        opening: prelude() + retryFrame(SSE_RETRY_MS),
        byteCap: Infinity,
        cursor,
        kind: fromHeader ? 'reconnect' : connectKind(url),
        url,
      });
    },
    close() {
      // Every open stream is a hub client; the hub closes them.
    },
  };
}
