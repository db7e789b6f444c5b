// The one seam between the client's connection logic and the browser: everything it needs from outside
// (rungs, timers, the wall clock, storage, fetch, reload, randomness, the other tabs) comes in here.
// main.ts passes the browser's (browser-world.ts); the unit tests pass fakes, and run the logic in Node.
import type { TransportName } from '../src/protocol.js';
import type { TabShare } from './tab-share.js';
import type { ClientTransport } from './transports/transport.js';

/** Cancels a timer; calling it again, or after the timer ran, does nothing. */
export type Cancel = () => void;

export interface Clock {
  /** Wall-clock epoch ms. Background tabs throttle timers, so silence is measured with this, not by ticks. */
  now(): number;
  after(ms: number, run: () => void): Cancel;
  every(ms: number, run: () => void): Cancel;
}

/** A string store for this tab's session that never throws (storage can be disabled by privacy settings). */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export interface ClientWorld {
  /** The server's origin (the client's own script URL's). */
  readonly origin: string;
  /** Every rung this client can open, by name; the server's offer picks which and in what order. */
  readonly transports: Partial<Record<TransportName, ClientTransport>>;
  readonly clock: Clock;
  readonly storage: KeyValueStore;
  readonly fetch: (url: URL, init: RequestInit) => Promise<Response>;
  /** Reloads the page (the server restarted). */
  readonly reload: () => void;
  /** Uniform in [0, 1): jitter, so tabs that lost the same server do not reconnect in step. */
  readonly random: () => number;
  /** A way to share one connection with the other tabs of this origin, or null where the browser has none. */
  readonly tabs: (key: string) => TabShare | null;
  /** This page's id (PAGE_PARAM), sent on every connection so the status page joins them to its reports. */
  readonly page?: string;
}
