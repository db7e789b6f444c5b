import type { ServerMessage, TransportName } from '../src/protocol.js';

export type ConnectionState = 'connecting' | 'up' | 'down';

/** What the leader tab posts to the others. */
export type Relay =
  | { type: 'message'; message: ServerMessage }
  | { type: 'state'; state: ConnectionState; transport: TransportName | null };

/**
 * Tabs of one origin share one connection on the HTTP rungs, which each hold one of the browser's six
 * HTTP/1.1 connections per host: with more tabs than that, the rest would never connect. One tab
 * leads (it holds a Web Lock for as long as it lives, so the lock passes on by itself when it closes)
 * and relays what it receives over a BroadcastChannel. Where either API is missing, every tab keeps its
 * own connection (create() returns null).
 */
export class TabShare {
  private readonly channel: BroadcastChannel;
  private readonly lockName: string;
  private holding = false;
  private waiting = false;

  private constructor(key: string) {
    this.channel = new BroadcastChannel(`devpush:${key}`);
    this.lockName = `devpush:leader:${key}`;
  }

  static create(key: string): TabShare | null {
    const locks = typeof navigator === 'object' ? navigator.locks : undefined;
    if (typeof BroadcastChannel !== 'function' || !locks || typeof locks.request !== 'function') return null;
    return new TabShare(key);
  }

  get isLeader(): boolean {
    return this.holding;
  }

  /** Takes the lead if no tab has it. The lock is then held until this page goes away. */
  tryLead(): Promise<boolean> {
    if (this.holding) return Promise.resolve(true);
    return new Promise((resolve) => {
      void navigator.locks.request(this.lockName, { ifAvailable: true }, (lock) => {
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

  /** Queues for the lead: `onLead` runs once the leading tab has gone. */
  waitToLead(onLead: () => void): void {
    if (this.holding || this.waiting) return;
    this.waiting = true;
    void navigator.locks.request(this.lockName, () => {
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
