import {
  BOOT_ROUTE,
  CONTINUE_PARAM,
  CURSOR_PARAM,
  RECONNECT_PARAM,
  ROUTE_PREFIX,
  TOKEN_PARAM,
  parseId,
  type ClientConfig,
  type ServerMessage,
  type TransportName,
} from '../src/protocol.js';
import { TabShare, type ConnectionState, type Relay } from './tab-share.js';
import { CLIENT_TRANSPORTS } from './transports/index.js';
import type { ClientTransport, Connection } from './transports/transport.js';

export type { ConnectionState } from './tab-share.js';

export interface ConnectionEvents {
  /** A message to apply (already de-duplicated: each replayable message arrives here once). */
  message(message: ServerMessage): void;
  state(state: ConnectionState, transport: TransportName | null): void;
  /** Every message heard, pings and repeats included (the status page refreshes on it). */
  heard?(message: ServerMessage): void;
}

const BACKOFF_FIRST_MS = 300;
const BACKOFF_MAX_MS = 5000;
/**
 * While up on a lower rung, try the best one again every this many heartbeats (± jitter): a minute
 * with the default 15 s heartbeat.
 */
const BETTER_RUNG_RETRY_HEARTBEATS = 4;
const RUNG_KEY = 'devpush:rung';
/** A reload for a restarted server is not repeated within this window: never a reload loop. */
const RESTART_RELOAD_KEY = 'devpush:restart-reload';
const RESTART_RELOAD_GUARD_MS = 10_000;
/** Relayed messages kept while this tab catches up on its own connection before following the leader. */
const RELAY_BUFFER_MAX = 1000;

/**
 * How this tab takes part in sharing one connection per origin (see TabShare): `solo` (own connection,
 * not sharing, e.g. on WebSocket), `pending` (up on an HTTP rung, asking for the lead), `leader` (own
 * connection, relayed to the other tabs), `follower` (catching up on its own connection, then living on
 * the leader's relay), `independent` (the relay went silent: own connection from now on).
 */
export type Role = 'solo' | 'pending' | 'leader' | 'follower' | 'independent';

interface Attempt {
  /** Called once, when this connection's `hello` arrives. */
  up(): void;
  closed(wasUp: boolean, reason: string, fatal: boolean): void;
}

/**
 * Keeps one live connection to the server: walks down the ladder until a rung delivers `hello`,
 * remembers the rung that worked, now and then tries the better rungs again, reconnects with capped
 * backoff and jitter, resumes from its cursor, and treats silence past two heartbeats (by wall clock)
 * as a dead connection. When every rung fails it asks the server which run it is, and reloads the page
 * once if the server restarted: only ever on the server's answer, never against a dead server.
 */
export class ChannelConnection {
  private readonly rungs: ClientTransport[];
  private bootId: string | null = null;
  private seq = -1;
  private connection: Connection | null = null;
  private rungIndex = 0;
  private failures = 0;
  private everUp = false;
  private lastHeard = 0;
  private deadline: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private better: ReturnType<typeof setTimeout> | null = null;
  private trial: Connection | null = null;
  private readonly share: TabShare | null;
  private role: Role = 'solo';
  /** The server's newest seq when this connection's hello was sent: caught up once our seq reaches it. */
  private helloSeq = -1;
  private following = false;
  private leaderUp = false;
  private relayed: ServerMessage[] = [];

  constructor(
    private readonly origin: string,
    private readonly config: ClientConfig,
    cursor: string | null,
    private readonly events: ConnectionEvents,
  ) {
    this.rungs = config.transports
      .map((name) => CLIENT_TRANSPORTS[name])
      .filter((t): t is ClientTransport => t !== undefined && t.supported());
    const parsed = parseId(cursor);
    if (parsed) {
      this.bootId = parsed.bootId;
      this.seq = parsed.seq;
    }
    const remembered = this.rungs.findIndex((t) => t.name === readStorage(rungKey(origin)));
    this.rungIndex = Math.max(0, remembered);
    // Over HTTP/2 (devpush's HTTPS) every tab's stream shares one connection: no relay needed.
    this.share = config.tabRelay === false ? null : TabShare.create(`${origin}|${config.token}`);
    this.share?.listen((relay) => this.onRelay(relay));
  }

  /** How this tab takes part in sharing a connection with the other tabs of its origin. */
  get sharing(): Role {
    return this.role;
  }

  get cursor(): string | null {
    return this.bootId === null ? null : `${this.bootId}.${this.seq}`;
  }

  start(): void {
    if (this.rungs.length === 0) {
      this.setState('down', null);
      return;
    }
    this.open();
  }

  stop(): void {
    this.teardown();
    if (this.retry) clearTimeout(this.retry);
  }

  private setState(state: ConnectionState, transport: TransportName | null): void {
    this.events.state(state, transport);
    if (this.role === 'leader') this.share!.post({ type: 'state', state, transport });
  }

  private url(transport: ClientTransport, continued: boolean): URL {
    const url = new URL(`${ROUTE_PREFIX}${transport.name}`, this.origin);
    url.searchParams.set(TOKEN_PARAM, this.config.token);
    if (this.cursor) url.searchParams.set(CURSOR_PARAM, this.cursor);
    if (this.everUp) url.searchParams.set(RECONNECT_PARAM, '1');
    if (continued) url.searchParams.set(CONTINUE_PARAM, '1');
    return url;
  }

  /** Opens one connection on `transport`; its messages reach `receive` once its hello has arrived. */
  private connect(transport: ClientTransport, attempt: Attempt): Connection {
    let up = false;
    return transport.open(this.url(transport, false), {
      message: (text) => {
        const message = parseMessage(text);
        if (!message) return;
        this.lastHeard = Date.now();
        this.events.heard?.(message);
        if (message.kind === 'hello' && !up) {
          up = true;
          if (this.bootId === null) this.bootId = message.bootId;
          this.helloSeq = message.bootId === this.bootId ? message.seq : -1;
          attempt.up();
        }
        if (up) this.receive(message);
        if (up && this.role === 'follower' && !this.following) this.followIfCaughtUp();
      },
      closed: (reason, fatal = false) => attempt.closed(up, reason, fatal),
      continueUrl: () => this.url(transport, true),
    });
  }

  private open(): void {
    const transport = this.rungs[this.rungIndex]!;
    this.setState('connecting', transport.name);
    this.deadline = setTimeout(() => this.fail(transport, false), transport.helloDeadlineMs);
    this.connection = this.connect(transport, {
      up: () => this.onUp(transport),
      closed: (wasUp, _reason, fatal) => (wasUp ? this.onDropped(fatal) : this.fail(transport, fatal)),
    });
  }

  private onUp(transport: ClientTransport): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = null;
    this.everUp = true;
    this.failures = 0;
    writeStorage(rungKey(this.origin), transport.name);
    this.setState('up', transport.name);
    // Background tabs throttle timers, so silence is measured by the wall clock, not by counting ticks.
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * this.config.heartbeatMs + 1000) this.onDropped(false);
    }, 1000);
    this.scheduleBetterRung();
    if (this.share && transport.holdsHttpConnection && this.role === 'solo') void this.claimLead();
  }

  private receive(message: ServerMessage): void {
    if (message.kind === 'hello' || message.kind === 'ping') {
      if (message.kind === 'hello' && this.seq < 0) this.seq = message.seq;
      if (message.kind === 'ping' && this.role === 'leader') this.share!.post({ type: 'message', message });
      return;
    }
    if (message.kind !== 'resync') {
      const id = parseId(message.id);
      if (!id) return;
      // Exactly once: a message already applied is skipped (an error overlay is state, shown again).
      if (id.bootId === this.bootId && id.seq <= this.seq && message.kind !== 'error') return;
      if (id.bootId === this.bootId && id.seq > this.seq) this.seq = id.seq;
      if (this.role === 'leader') this.share!.post({ type: 'message', message });
    }
    this.events.message(message);
  }

  // --- Sharing one connection between the tabs of an origin (HTTP rungs only) ---

  private async claimLead(): Promise<void> {
    this.role = 'pending';
    if (await this.share!.tryLead()) {
      this.becomeLeader();
      return;
    }
    this.role = 'follower';
    this.share!.waitToLead(() => this.becomeLeader());
    this.followIfCaughtUp();
  }

  /** This tab now relays its connection (it may have to open one: the previous leader's tab closed). */
  private becomeLeader(): void {
    const wasFollowing = this.following;
    this.role = 'leader';
    this.following = false;
    this.relayed = [];
    if (wasFollowing) {
      this.teardown();
      this.open();
    } else if (this.connection) {
      this.setState('up', this.rungs[this.rungIndex]!.name);
    }
  }

  /**
   * A follower keeps its own connection until it has everything up to the hello's seq, then closes it
   * and applies the relay (what was relayed meanwhile first; repeats are skipped by seq).
   */
  private followIfCaughtUp(): void {
    if (this.role !== 'follower' || this.following || this.seq < this.helloSeq || this.helloSeq < 0) return;
    this.teardown();
    this.following = true;
    this.leaderUp = true;
    this.lastHeard = Date.now();
    const buffered = this.relayed.sort((a, b) => seqOf(a) - seqOf(b));
    this.relayed = [];
    for (const message of buffered) this.fromRelay(message);
    if (!this.following) return;
    this.events.state('up', this.rungs[this.rungIndex]?.name ?? null);
    this.watchdog = setInterval(() => {
      if (this.leaderUp && Date.now() - this.lastHeard > 2 * this.config.heartbeatMs + 1000) this.goIndependent();
    }, 1000);
  }

  private onRelay(relay: Relay): void {
    if (this.role === 'leader' || this.role === 'solo' || this.role === 'independent') return;
    if (!this.following) {
      if (relay.type === 'message' && this.relayed.length < RELAY_BUFFER_MAX) this.relayed.push(relay.message);
      return;
    }
    this.lastHeard = Date.now();
    if (relay.type === 'message') this.events.heard?.(relay.message);
    if (relay.type === 'state') {
      this.leaderUp = relay.state === 'up';
      this.events.state(relay.state, relay.transport);
      return;
    }
    this.fromRelay(relay.message);
  }

  private fromRelay(message: ServerMessage): void {
    if (message.kind === 'ping') return;
    const id = parseId(message.id);
    if (!id || id.bootId !== this.bootId) return;
    // A gap means this tab missed something the relay cannot give back: catch up on its own again.
    if (id.seq > this.seq + 1) {
      this.following = false;
      this.teardown();
      this.open();
      return;
    }
    this.receive(message);
  }

  /** The leader went silent while saying it was up (a frozen tab): stop following, for good. */
  private goIndependent(): void {
    this.role = 'independent';
    this.following = false;
    this.teardown();
    this.open();
  }

  /** The rung did not come up: try the next one at once; once every rung has failed, ask and back off. */
  private fail(transport: ClientTransport, fatal: boolean): void {
    this.teardown();
    if (readStorage(rungKey(this.origin)) === transport.name) removeStorage(rungKey(this.origin));
    if (fatal) this.forgetCursor();
    if (this.rungIndex + 1 < this.rungs.length) {
      this.rungIndex++;
      this.open();
      return;
    }
    this.rungIndex = 0;
    void this.checkRestart();
    this.scheduleRetry();
  }

  /** A working connection ended: reconnect on the same rung after a backoff. */
  private onDropped(fatal: boolean): void {
    this.teardown();
    if (fatal) this.forgetCursor();
    this.scheduleRetry();
  }

  /** The server refused our cursor as malformed: start over from what the next hello says. */
  private forgetCursor(): void {
    this.bootId = null;
    this.seq = -1;
  }

  /**
   * Every rung failed. A server that answers with another bootId, or answers 401 to our token (a new run
   * has a new token), has restarted: reload once to pick up the new page. No answer (dead server, a proxy's
   * 502) means nothing: keep retrying.
   */
  private async checkRestart(): Promise<void> {
    const url = new URL(`${ROUTE_PREFIX}${BOOT_ROUTE}`, this.origin);
    url.searchParams.set(TOKEN_PARAM, this.config.token);
    let restarted = false;
    try {
      const response = await fetch(url, { cache: 'no-store' });
      // 401: our token is from another run. A 403 (a refused origin) is no restart: never reload for it.
      if (response.status === 401) restarted = true;
      else if (response.ok) {
        const boot = (await response.json()) as { bootId?: unknown };
        restarted = this.bootId !== null && typeof boot.bootId === 'string' && boot.bootId !== this.bootId;
      }
    } catch {
      return;
    }
    if (!restarted) return;
    const last = Number(readStorage(RESTART_RELOAD_KEY) ?? 0);
    if (Date.now() - last < RESTART_RELOAD_GUARD_MS) return;
    writeStorage(RESTART_RELOAD_KEY, String(Date.now()));
    this.stop();
    this.events.message({ kind: 'resync', id: this.cursor ?? '', reason: 'the server restarted' });
  }

  /** While up on a lower rung, try the best one now and then; switch over if it says hello. */
  private scheduleBetterRung(): void {
    if (this.rungIndex === 0) return;
    const delay = BETTER_RUNG_RETRY_HEARTBEATS * this.config.heartbeatMs * (0.75 + Math.random() / 2);
    this.better = setTimeout(() => this.tryBetterRung(), delay);
  }

  private tryBetterRung(): void {
    const best = this.rungs[0]!;
    let trial: Connection | null = null;
    const giveUp = setTimeout(() => {
      trial?.close();
      this.trial = null;
      this.scheduleBetterRung();
    }, best.helloDeadlineMs);
    trial = this.trial = this.connect(best, {
      up: () => {
        clearTimeout(giveUp);
        // The replay on the new connection overlaps what the old one delivered; receive() skips repeats.
        this.trial = null;
        this.teardown();
        this.connection = trial;
        this.rungIndex = 0;
        this.onUp(best);
      },
      closed: (wasUp, _reason, fatal) => {
        clearTimeout(giveUp);
        if (wasUp) {
          this.onDropped(fatal);
          return;
        }
        this.trial = null;
        this.scheduleBetterRung();
      },
    });
  }

  private scheduleRetry(): void {
    this.setState('down', null);
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.failures);
    this.failures++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.retry = setTimeout(() => this.open(), delay);
  }

  private teardown(): void {
    if (this.deadline) clearTimeout(this.deadline);
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.better) clearTimeout(this.better);
    this.deadline = this.watchdog = this.better = null;
    this.trial?.close();
    this.trial = null;
    this.connection?.close();
    this.connection = null;
  }
}

function seqOf(message: ServerMessage): number {
  return parseId(message.id)?.seq ?? -1;
}

function parseMessage(text: string): ServerMessage | null {
  try {
    const value = JSON.parse(text) as ServerMessage;
    return typeof value === 'object' && value !== null && typeof value.kind === 'string' ? value : null;
  } catch {
    return null;
  }
}

function rungKey(origin: string): string {
  return `${RUNG_KEY}:${origin}`;
}

// Storage can be disabled (privacy settings); the ladder then simply starts from the top each time.
function readStorage(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // See readStorage.
  }
}

function removeStorage(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // See readStorage.
  }
}
