import { type HelloMessage, parseMessage, type ServerMessage } from '../src/protocol.js';
import type { ClientTransport, Connection } from './transports/transport.js';

export interface AttemptEvents {
  /** Every message heard on this connection, before its hello too. */
  heard(message: ServerMessage): void;
  /** The connection's first hello: this rung works. Called once, before that hello reaches `message`. */
  up(hello: HelloMessage): void;
  /** Every message from the first hello on, that hello included. */
  message(message: ServerMessage): void;
  /** The connection ended; `fatal` when retrying the same cursor cannot help (the server refused it). */
  closed(wasUp: boolean, fatal: boolean): void;
}

/**
 * Opens one connection on `rung`. It only counts as up once `hello` arrives: a proxy that accepts a
 * connection and then holds or buffers it never says hello.
 */
export function openAttempt(
  rung: ClientTransport,
  url: (continued: boolean) => URL,
  events: AttemptEvents,
): Connection {
  let up = false;
  return rung.open(url(false), {
    message(text) {
      const message = parseMessage(text);
      if (!message) return;
      events.heard(message);
      if (message.kind === 'hello' && !up) {
        up = true;
        events.up(message);
      }
      if (up) events.message(message);
    },
    closed: (_reason, fatal = false) => events.closed(up, fatal),
    continueUrl: () => url(true),
  });
}
