import { CURSOR_PARAM } from '../protocol.js';
import { prelude } from './event-stream.js';
import type { Hub } from './hub.js';
import { serveStreaming } from './streaming.js';
import { connectKind, readCursor, refuseCursor, type Transport, type TransportContext } from './transport.js';

/**
 * The response ends once it has carried this many bytes, and the client reopens with its cursor: an XHR
 * keeps its whole responseText, so an endless response would grow the page's memory (SockJS does the same).
 */
export const STREAM_BYTE_CAP = 128 * 1024;

/**
 * Rung 3: event-stream frames over a plain GET read by XHR `onprogress`, for networks that break
 * EventSource but pass a streamed response. `text/plain` with nosniff, so no browser sniffs or holds it.
 */
export function createStreamTransport(hub: Hub, context: TransportContext, byteCap = STREAM_BYTE_CAP): Transport {
  return {
    name: 'stream',
    request(req, res, url) {
      const cursor = readCursor(url.searchParams.get(CURSOR_PARAM));
      if (cursor === 'invalid') {
        refuseCursor(res, `cursor (${CURSOR_PARAM})`);
        return;
      }
      serveStreaming(hub, context, req, res, {
        transport: 'stream',
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-cache, no-transform',
          'X-Accel-Buffering': 'no',
        },
        opening: prelude(),
        byteCap,
        cursor,
        kind: connectKind(url),
        url,
      });
    },
    close() {
      // Every open stream is a hub client; the hub closes them.
    },
  };
}
