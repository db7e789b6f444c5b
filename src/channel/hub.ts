import { randomBytes } from 'node:crypto';
import {
  type ChannelStats,
  formatId,
  TRANSPORT_NAMES,
  TRANSPORT_STAT_COLUMNS,
  type HelloMessage,
  type MessageId,
  type PingMessage,
  type Publishable,
  type ReplayableMessage,
  type ResyncMessage,
  type TransportName,
  type TransportStats,
  type HttpProtocol,
  type MessageKind,
} from '../protocol.js';
import { Encoded } from './encoded.js';
import { Ring, type RingLimits } from './ring.js';

/** One connected browser (or other consumer), whatever rung it came over. */
export interface ChannelClient {
  readonly transport: TransportName;
  /** Remote address, for per-peer limits and logs. */
  readonly peer: string;
  /**
   * Queue one message. Returns the bytes queued, or 'overflow' when the client's send buffer is past
   * its bound: the hub then drops the client, which resumes from its cursor when it comes back.
   */
  send(encoded: Encoded): number | 'overflow';
  /** End the connection from the server side. */
  close(reason: string): void;
  /** Which page and browser it serves (from the request that opened it), for the status. */
  readonly identity?: ClientIdentity;
}

/** What the request that opened a connection says about its page; nothing here is trusted for access. */
export interface ClientIdentity {
  /** The page's random id (PAGE_PARAM), or null for a client that sent none. */
  page: string | null;
  userAgent: string;
  protocol: HttpProtocol;
}

/** Hears about every client and delivery, for the status page's per-client view (optional, kept cheap). */
export interface HubObserver {
  attached(client: ChannelClient, kind: ConnectKind): void;
  /** The client came back and got exactly what it missed. */
  resumed(client: ChannelClient): void;
  detached(client: ChannelClient): void;
  delivered(client: ChannelClient, kind: MessageKind, bytes: number): void;
  /** The client showed it is alive without a request (a WebSocket pong). */
  heard(client: ChannelClient): void;
}

export interface Cursor {
  bootId: string;
  seq: number;
}

/**
 * How a client came: `new` (first connection of a page), `reconnect` (it was connected before and lost
 * the connection), `continue` (the next request of a live connection: the stream rung reopening after its
 * byte cap, the next long poll). Only stats differ: a continuation is not a new connection.
 */
export type ConnectKind = 'new' | 'reconnect' | 'continue';

export interface HubOptions {
  ring: RingLimits;
  /** Interval between pings on every connection (ms). */
  heartbeatMs: number;
  observer?: HubObserver;
}

export type { ChannelStats, TransportStats };

function emptyStats(): TransportStats {
  return Object.fromEntries(TRANSPORT_STAT_COLUMNS.map((column) => [column, 0])) as TransportStats;
}

/**
 * The transport-agnostic heart of the channel: gives every message its id, keeps the replay ring,
 * broadcasts to every attached client whatever its rung, sends heartbeats and counts everything.
 * Transports only turn connections into ChannelClients and call attach/detach.
 */
export class Hub {
  readonly bootId = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly ring: Ring;
  private readonly clients = new Set<ChannelClient>();
  private readonly perTransport = Object.fromEntries(TRANSPORT_NAMES.map((name) => [name, emptyStats()])) as Record<
    TransportName,
    TransportStats
  >;
  private lastChange: ChannelStats['lastChange'] = null;
  /** Messages that describe a current state (a broken build) and so reach late joiners too. */
  private readonly sticky = new Map<string, { seq: number; encoded: Encoded<ReplayableMessage> }>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: HubOptions) {
    this.ring = new Ring(options.ring);
    this.heartbeat = setInterval(() => this.ping(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get currentId(): MessageId {
    return formatId(this.bootId, this.seq);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Adds a client: `hello` first, then either exactly the messages after its cursor, or `resync` when the
   * cursor belongs to another server run or has left the ring.
   */
  attach(client: ChannelClient, cursor: Cursor | null, kind: ConnectKind = 'new'): void {
    const stats = this.perTransport[client.transport];
    this.clients.add(client);
    stats.connected++;
    if (kind !== 'continue') stats.total++;
    if (kind === 'reconnect') stats.reconnects++;

    const hello: HelloMessage = {
      kind: 'hello',
      id: this.currentId,
      bootId: this.bootId,
      seq: this.seq,
      heartbeatMs: this.options.heartbeatMs,
      transport: client.transport,
    };
    const observer = this.options.observer;
    observer?.attached(client, kind);
    if (!this.deliver(client, new Encoded(hello))) return;
    if (!cursor) {
      this.deliverSticky(client, this.seq);
      return;
    }
    const missed = cursor.bootId === this.bootId ? this.ring.after(cursor.seq, this.seq) : null;
    if (missed) {
      if (kind !== 'continue' && missed.length > 0) {
        stats.resumes++;
        observer?.resumed(client);
      }
      // Sticky state from before the cursor first, then exactly the missed messages in order.
      if (!this.deliverSticky(client, cursor.seq)) return;
      for (const encoded of missed) if (!this.deliver(client, encoded)) return;
      return;
    }
    stats.resyncs++;
    const reason = cursor.bootId === this.bootId ? 'missed messages left the replay ring' : 'the server restarted';
    const resync: ResyncMessage = { kind: 'resync', id: this.currentId, reason };
    this.deliver(client, new Encoded(resync));
  }

  /**
   * Publishes a message that stays true until cleared (a build error): clients that connect later get it
   * right after `hello`. Publishing with the same key replaces it; `clearSticky` ends it.
   */
  publishSticky(key: string, message: Publishable): ReplayableMessage {
    const full = this.publish(message);
    this.sticky.set(key, { seq: this.seq, encoded: this.ring.newest()! });
    return full;
  }

  clearSticky(key: string): boolean {
    return this.sticky.delete(key);
  }

  detach(client: ChannelClient): void {
    if (!this.clients.delete(client)) return;
    this.perTransport[client.transport].connected--;
    this.options.observer?.detached(client);
  }

  /** A client showed it is alive without a request (see HubObserver.heard). */
  heard(client: ChannelClient): void {
    if (this.clients.has(client)) this.options.observer?.heard(client);
  }

  /** Gives the message its id, keeps it for replay and sends it to every client. */
  publish(message: Publishable): ReplayableMessage {
    this.seq++;
    const full = { ...message, id: this.currentId } as ReplayableMessage;
    const encoded = new Encoded(full);
    this.ring.push(this.seq, encoded);
    this.lastChange = { id: full.id, kind: full.kind, at: new Date().toISOString() };
    this.broadcast(encoded);
    return full;
  }

  stats(): ChannelStats {
    const transports = Object.fromEntries(
      TRANSPORT_NAMES.map((name) => [name, { ...this.perTransport[name] }]),
    ) as Record<TransportName, TransportStats>;
    return {
      bootId: this.bootId,
      seq: this.seq,
      ringSize: this.ring.size,
      transports,
      lastChange: this.lastChange,
    };
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of [...this.clients]) {
      this.detach(client);
      client.close('server closing');
    }
  }

  /** Sticky messages at or before `seq` (later ones arrive by replay or broadcast). */
  private deliverSticky(client: ChannelClient, seq: number): boolean {
    for (const entry of this.sticky.values()) {
      if (entry.seq <= seq && !this.deliver(client, entry.encoded)) return false;
    }
    return true;
  }

  private ping(): void {
    if (this.clients.size === 0) return;
    const ping: PingMessage = { kind: 'ping', id: this.currentId };
    this.broadcast(new Encoded(ping));
  }

  private broadcast(encoded: Encoded): void {
    for (const client of [...this.clients]) this.deliver(client, encoded);
  }

  /** Sends to one client and counts it; a client whose buffer overflows is dropped. */
  private deliver(client: ChannelClient, encoded: Encoded): boolean {
    const stats = this.perTransport[client.transport];
    const sent = client.send(encoded);
    if (sent === 'overflow') {
      stats.drops++;
      this.detach(client);
      client.close('send buffer full');
      return false;
    }
    stats.messages++;
    stats.bytes += sent;
    this.options.observer?.delivered(client, encoded.message.kind, sent);
    return true;
  }
}
