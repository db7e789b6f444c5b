// Fakes for the browser client's one seam (client/world.ts), so its connection logic runs in Node: rungs
// whose connections the test answers for the server, a small hub that numbers messages and replays what
// a cursor missed, a session store, a tab bus with one lock, and a fetch the test scripts. Timers and the
// wall clock are the real `systemClock` under vitest's fake timers.
import { systemClock } from '../../client/clock.js';
import type { Relay, TabShare } from '../../client/tab-share.js';
import type { ClientTransport, Connection, TransportHandlers } from '../../client/transports/transport.js';
import type { ClientWorld, KeyValueStore } from '../../client/world.js';
import {
  CURSOR_PARAM,
  formatId,
  parseId,
  type ClientConfig,
  type HelloMessage,
  type ReplayableMessage,
  type ServerMessage,
  type TransportName,
} from '../../src/protocol.js';

export const HEARTBEAT_MS = 1000;
export const ORIGIN = 'http://127.0.0.1:4999';

export function clientConfig(transports: TransportName[]): ClientConfig {
  return { token: 'tok', transports, heartbeatMs: HEARTBEAT_MS, forwardConsole: false };
}

/** One connection a fake rung opened; the test speaks for the server through it. */
export class FakeConnection {
  /** Closed by the client, or ended by the server: nothing more is delivered either way. */
  done = false;
  readonly openedAt = Date.now();

  constructor(
    readonly url: URL,
    private readonly handlers: TransportHandlers,
  ) {}

  get cursor(): string | null {
    return this.url.searchParams.get(CURSOR_PARAM);
  }

  send(message: ServerMessage): void {
    if (!this.done) this.handlers.message(JSON.stringify(message));
  }

  /** The server's (or the network's) end of it; `fatal` as for a refused cursor. */
  end(fatal = false): void {
    if (this.done) return;
    this.done = true;
    this.handlers.closed('ended by the test', fatal);
  }
}

export class FakeRung implements ClientTransport {
  readonly opened: FakeConnection[] = [];
  readonly holdsHttpConnection: boolean;
  readonly helloDeadlineMs = 2500;

  constructor(readonly name: TransportName) {
    this.holdsHttpConnection = name !== 'websocket';
  }

  supported(): boolean {
    return true;
  }

  open(url: URL, handlers: TransportHandlers): Connection {
    const connection = new FakeConnection(url, handlers);
    this.opened.push(connection);
    return { close: () => (connection.done = true) };
  }

  /** The newest connection; fails the test when there is none. */
  get last(): FakeConnection {
    const connection = this.opened.at(-1);
    if (!connection) throw new Error(`no ${this.name} connection was opened`);
    return connection;
  }

  get live(): FakeConnection[] {
    return this.opened.filter((connection) => !connection.done);
  }
}

/** The hub's part a client sees: ids, the replay after a cursor, hello first. */
export class FakeHub {
  private readonly ring: ReplayableMessage[] = [];
  seq = 0;

  constructor(readonly bootId = 'runA') {}

  hello(transport: TransportName): HelloMessage {
    const id = formatId(this.bootId, this.seq);
    return { kind: 'hello', id, bootId: this.bootId, seq: this.seq, heartbeatMs: HEARTBEAT_MS, transport };
  }

  /** A new custom message, numbered and kept for replay (not sent anywhere yet). */
  custom(data: unknown): ReplayableMessage {
    const message: ReplayableMessage = { kind: 'custom', id: formatId(this.bootId, ++this.seq), event: 'e', data };
    this.ring.push(message);
    return message;
  }

  /** Answers a connection as the hub does: hello, then every message after its cursor. */
  accept(connection: FakeConnection, transport: TransportName): void {
    connection.send(this.hello(transport));
    const cursor = parseId(connection.cursor);
    const from = cursor?.bootId === this.bootId ? cursor.seq : this.seq;
    for (const message of this.ring) if ((parseId(message.id)?.seq ?? 0) > from) connection.send(message);
  }
}

export class MapStore implements KeyValueStore {
  readonly values = new Map<string, string>();
  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
  remove(key: string): void {
    this.values.delete(key);
  }
}

/** Tabs of one origin: one lock, queued waiters, and a relay to every other tab (later, as a BroadcastChannel). */
export class FakeTabBus {
  private holder: FakeTab | null = null;
  private readonly waiting: { tab: FakeTab; onLead: () => void }[] = [];
  private readonly tabs: FakeTab[] = [];
  /** Relays still to be lost (a tab frozen while they were posted, say): the receiving tab sees a gap. */
  lose = 0;

  join(): FakeTab {
    const tab = new FakeTab(this);
    this.tabs.push(tab);
    return tab;
  }

  tryLock(tab: FakeTab): boolean {
    if (this.holder && this.holder !== tab) return false;
    this.holder = tab;
    return true;
  }

  queue(tab: FakeTab, onLead: () => void): void {
    this.waiting.push({ tab, onLead });
  }

  broadcast(from: FakeTab, relay: Relay): void {
    if (relay.type === 'message' && relay.message.kind !== 'ping' && this.lose > 0) {
      this.lose--;
      return;
    }
    const copy = structuredClone(relay);
    for (const tab of this.tabs) if (tab !== from) void Promise.resolve().then(() => tab.deliver(copy));
  }

  /** The tab's page goes away: its lock passes to the next waiter. */
  close(tab: FakeTab): void {
    tab.closed = true;
    this.tabs.splice(this.tabs.indexOf(tab), 1);
    if (this.holder !== tab) return;
    this.holder = null;
    const next = this.waiting.shift();
    if (!next) return;
    this.holder = next.tab;
    next.onLead();
  }
}

export class FakeTab implements TabShare {
  private handler: ((relay: Relay) => void) | null = null;
  closed = false;

  constructor(private readonly bus: FakeTabBus) {}

  tryLead(): Promise<boolean> {
    return Promise.resolve(this.bus.tryLock(this));
  }
  waitToLead(onLead: () => void): void {
    this.bus.queue(this, onLead);
  }
  post(relay: Relay): void {
    if (!this.closed) this.bus.broadcast(this, relay);
  }
  listen(handler: (relay: Relay) => void): void {
    this.handler = handler;
  }
  deliver(relay: Relay): void {
    if (!this.closed) this.handler?.(relay);
  }
}

/** A tab's world: its own rungs and session store, the given tab bus (if any), jitter fixed at the middle. */
export class FakeWorld {
  readonly rungs: Record<TransportName, FakeRung> = {
    websocket: new FakeRung('websocket'),
    sse: new FakeRung('sse'),
    stream: new FakeRung('stream'),
    poll: new FakeRung('poll'),
  };
  readonly storage: MapStore;
  readonly tab: FakeTab | null;
  readonly world: ClientWorld;
  reloads = 0;
  /** What `/__devpush/boot` answers next; the default is a dead server (the request fails). */
  boot: () => Promise<Response> = () => Promise.reject(new TypeError('fetch failed'));
  readonly bootRequests: URL[] = [];

  constructor(options: { bus?: FakeTabBus; storage?: MapStore } = {}) {
    this.storage = options.storage ?? new MapStore();
    this.tab = options.bus?.join() ?? null;
    this.world = {
      origin: ORIGIN,
      transports: this.rungs,
      clock: systemClock,
      storage: this.storage,
      fetch: (url) => {
        this.bootRequests.push(url);
        return this.boot();
      },
      reload: () => {
        this.reloads++;
      },
      random: () => 0.5,
      tabs: () => this.tab,
    };
  }
}
