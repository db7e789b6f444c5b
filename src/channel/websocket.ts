import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES, CURSOR_PARAM } from '../protocol.js';
import type { Encoded } from './encoded.js';
import type { ChannelClient, Hub } from './hub.js';
import { textFrame } from './ws-frame.js';
import {
  connectKind,
  identify,
  readCursor,
  remoteAddress,
  stallDetector,
  type Transport,
  type TransportContext,
} from './transport.js';

/**
 * Closes with `code`, and ends the socket a second later whether or not the peer answers the close:
 * `ws` would otherwise wait 30 s for a hostile client that never does, and such sockets would pile up.
 */
function closeSoon(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), 1000).unref();
}

/**
 * A peer that vanished without a FIN (a laptop asleep, a network change) leaves a socket the kernel keeps
 * for many minutes while our small heartbeats sit unacknowledged. Browsers answer a ping frame by
 * themselves, so each heartbeat message goes with a ping frame (in the same tick: the connection is no
 * busier than before), and returns false when the previous ping got no pong: the peer is gone.
 */
function pongTracker(socket: WebSocket, onPong: () => void): () => boolean {
  let answered = true;
  socket.on('pong', () => {
    answered = true;
    onPong();
  });
  return () => {
    if (!answered) return false;
    answered = false;
    socket.ping();
    return true;
  };
}

/**
 * Required, not imported: through Node's ESM loader the `ws` package (CommonJS) cost ~4 MiB more idle
 * memory in the bench's cold-start figure.
 */
function loadWs(): typeof import('ws') {
  return createRequire(import.meta.url)('ws') as typeof import('ws');
}

/** Rung 1: WebSocket on the same HTTP server (`noServer`), compression off, small frames. */
export function createWebSocketTransport(hub: Hub, limits: TransportContext): Transport {
  // `ws` is loaded when first needed (or warmed up when the first page is served), not at start-up.
  let wss: Promise<WebSocketServer> | null = null;
  const server = () =>
    (wss ??= Promise.resolve().then(
      () =>
        new (loadWs().WebSocketServer)({
          noServer: true,
          maxPayload: limits.maxPayload,
          perMessageDeflate: false,
          clientTracking: false,
        }),
    ));

  /**
   * `raw` is the connection under `socket`: a message's frame, built once, is written to it directly
   * (compression is off, so `ws` queues nothing of its own that a frame could overtake).
   */
  function connect(socket: WebSocket, raw: Duplex, req: IncomingMessage, url: URL): void {
    // A bad frame or a reset must close this socket only, never reach the process.
    socket.on('error', () => socket.terminate());
    const cursor = readCursor(url.searchParams.get(CURSOR_PARAM));
    if (cursor === 'invalid') {
      closeSoon(socket, CLOSE_CODES.badCursor, 'malformed cursor');
      return;
    }
    const stalled = stallDetector(2 * limits.heartbeatMs);
    const pingAnswered = pongTracker(socket, () => hub.heard(client));
    const client: ChannelClient = {
      transport: 'websocket',
      peer: remoteAddress(req),
      identity: identify(req, url),
      send(encoded: Encoded) {
        if (encoded.message.kind === 'ping' && !pingAnswered()) {
          setImmediate(() => socket.terminate());
          return 0;
        }
        if (socket.bufferedAmount > limits.maxBufferedBytes || stalled(socket.bufferedAmount)) return 'overflow';
        if (socket.readyState !== socket.OPEN) return 0;
        // Framed once per message for every socket, not once per socket.
        const frame = encoded.framed('websocket', (e) => textFrame(Buffer.from(e.json)));
        raw.write(frame);
        return frame.length;
      },
      close(reason) {
        socket.close(1001, reason.slice(0, 120));
        setTimeout(() => socket.terminate(), 1000).unref();
      },
    };
    // The channel only pushes: anything a client sends is a protocol violation, not a command.
    socket.on('message', () => closeSoon(socket, CLOSE_CODES.pushOnly, 'push-only channel'));
    socket.on('close', () => hub.detach(client));
    hub.attach(client, cursor, connectKind(url));
  }

  return {
    name: 'websocket',
    prepare() {
      void server();
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
      void server().then((wss) => wss.handleUpgrade(req, socket, head, (ws) => connect(ws, socket, req, url)));
    },
    close() {
      void wss?.then((server) => server.close());
    },
  };
}
