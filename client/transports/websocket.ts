import { CLOSE_CODES } from '../../src/protocol.js';
import type { ClientTransport } from './transport.js';

/**
 * Rung 1. A refused upgrade closes at once; an upgrade a proxy accepts and then holds is caught by
 * the connection's hello deadline, because the rung only counts as up when `hello` arrives.
 */
export const websocketTransport: ClientTransport = {
  name: 'websocket',
  holdsHttpConnection: false,
  helloDeadlineMs: 2500,
  supported: () => typeof WebSocket === 'function',
  open(url, handlers) {
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    let done = false;
    const finish = (reason: string, fatal = false) => {
      if (done) return;
      done = true;
      handlers.closed(reason, fatal);
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') handlers.message(event.data);
    };
    socket.onclose = (event) => finish(`websocket closed (${event.code})`, event.code === CLOSE_CODES.badCursor);
    socket.onerror = () => finish('websocket error');
    return {
      close() {
        done = true;
        socket.onclose = socket.onerror = socket.onmessage = null;
        socket.close();
      },
    };
  },
};
