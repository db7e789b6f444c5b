import type { TransportName } from '../../src/protocol.js';
import { pollTransport } from './poll.js';
import { sseTransport } from './sse.js';
import { streamTransport } from './stream.js';
import type { ClientTransport } from './transport.js';
import { websocketTransport } from './websocket.js';

/** Every rung the client knows, by name; the server's offered list decides which and in what order. */
export const CLIENT_TRANSPORTS: Partial<Record<TransportName, ClientTransport>> = {
  websocket: websocketTransport,
  sse: sseTransport,
  stream: streamTransport,
  poll: pollTransport,
};
