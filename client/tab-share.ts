import type { ServerMessage, TransportName } from '../src/protocol.js';
import type { ConnectionState } from './link.js';

/** What the leading tab posts to the others. */
export type Relay =
  | { type: 'message'; message: ServerMessage }
  | { type: 'state'; state: ConnectionState; transport: TransportName | null };

/**
 * Tabs of one origin share one connection on the HTTP rungs, which each hold one of the browser's six
 * HTTP/1.1 connections per host: with more tabs than that, the rest would never connect. One tab leads
 * and relays what it receives to the others.
 */
export interface TabShare {
  /** Takes the lead if no tab has it; this tab then keeps it for as long as it lives. */
  tryLead(): Promise<boolean>;
  /** Queues for the lead: `onLead` runs once the leading tab has gone. */
  waitToLead(onLead: () => void): void;
  post(relay: Relay): void;
  listen(handler: (relay: Relay) => void): void;
}

/**
 * The browser's TabShare: the leader holds a Web Lock for as long as it lives (so the lock passes on by
 * itself when its tab closes) and relays over a BroadcastChannel. Where either API is missing, every tab
 * keeps its own connection (null).
 */
export function createTabShare(key: string): TabShare | null {
  const locks = typeof navigator === 'object' ? navigator.locks : undefined;
  if (typeof BroadcastChannel !== 'function' || !locks || typeof locks.request !== 'function') return null;
  return new BrowserTabShare(key, locks);
}

class BrowserTabShare implements TabShare {
  private readonly channel: BroadcastChannel;
  private readonly lockName: string;
  private holding = false;
  private waiting = false;

  constructor(
    key: string,
    private readonly locks: LockManager,
  ) {
    this.channel = new BroadcastChannel(`devpush:${key}`);
    this.lockName = `devpush:leader:${key}`;
  }

  tryLead(): Promise<boolean> {
    if (this.holding) return Promise.resolve(true);
    return new Promise((resolve) => {
      void this.locks.request(this.lockName, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(false);
          return undefined;
        }
        this.holding = true;
        resolve(true);
        return new Promise<never>(() => {});
      });
    });
  }

  waitToLead(onLead: () => void): void {
    if (this.holding || this.waiting) return;
    this.waiting = true;
    void this.locks.request(this.lockName, () => {
      this.waiting = false;
      this.holding = true;
      onLead();
      return new Promise<never>(() => {});
    });
  }

  post(relay: Relay): void {
    this.channel.postMessage(relay);
  }

  listen(handler: (relay: Relay) => void): void {
    this.channel.onmessage = (event: MessageEvent<Relay>) => handler(event.data);
  }
}
