import type { TransportName } from '../../src/protocol.js';

export interface TransportHandlers {
  /** One message's JSON text. */
  message(text: string): void;
  /** The connection ended or failed; `fatal` when retrying the same cursor cannot help (a 400). */
  closed(reason: string, fatal?: boolean): void;
  /**
   * The URL for the next request of this same connection, carrying the cursor as it is now (the stream
   * rung reopening after its byte cap, the next long poll).
   */
  continueUrl(): URL;
}

/** An open connection on one rung. */
export interface Connection {
  close(): void;
}

/** One rung of the ladder in the browser: opens a connection to its endpoint with the given query. */
export interface ClientTransport {
  readonly name: TransportName;
  /** False where the browser lacks what the rung needs. */
  supported(): boolean;
  /**
   * True when an open connection holds one of the browser's ~6 HTTP/1.1 connections per host: the tabs
   * of an origin then share one connection (see TabShare).
   */
  readonly holdsHttpConnection: boolean;
  /** How long to wait for `hello` before trying the next rung (ms). */
  readonly helloDeadlineMs: number;
  open(url: URL, handlers: TransportHandlers): Connection;
}
