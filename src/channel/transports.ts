import type { TransportName } from '../protocol.js';
import { createPollTransport } from './poll.js';
import { createSseTransport } from './sse.js';
import { createStreamTransport } from './stream.js';
import type { TransportFactory } from './transport.js';
import { createWebSocketTransport } from './websocket.js';

/** Every rung the server can offer, best first. Dropping a rung is deleting its line and its file. */
export const TRANSPORT_FACTORIES: Partial<Record<TransportName, TransportFactory>> = {
  websocket: createWebSocketTransport,
  sse: createSseTransport,
  stream: (hub, context) => createStreamTransport(hub, context),
  poll: (hub, context) => createPollTransport(hub, context),
};
