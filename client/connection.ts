import {
  CURSOR_PARAM,
  RECONNECT_PARAM,
  ROUTE_PREFIX,
  TOKEN_PARAM,
  parseId,
  type ClientConfig,
  type ServerMessage,
  type TransportName,
} from '../src/protocol.js';
import { CLIENT_TRANSPORTS } from './transports/index.js';
import type { ClientTransport, Connection } from './transports/transport.js';

export type ConnectionState = 'connecting' | 'up' | 'down';

export interface ConnectionEvents {
  /** A message to apply (already de-duplicated: each replayable message arrives here once). */
  message(message: ServerMessage): void;
  state(state: ConnectionState, transport: TransportName | null): void;
}

const BACKOFF_FIRST_MS = 300;
const BACKOFF_MAX_MS = 5000;
const RUNG_KEY = 'devpush:rung';

/**
 * Keeps one live connection to the server: walks down the ladder until a rung delivers `hello`,
 * remembers the rung that worked, reconnects with capped backoff and jitter, resumes from its cursor,
 * and treats silence past two heartbeats (by wall clock) as a dead connection.
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
    const remembered = this.rungs.findIndex((t) => t.name === readRemembered(origin));
    this.rungIndex = Math.max(0, remembered);
  }

  get cursor(): string | null {
    return this.bootId === null ? null : `${this.bootId}.${this.seq}`;
  }

  start(): void {
    if (this.rungs.length === 0) {
      this.events.state('down', null);
      return;
    }
    this.open();
  }

  stop(): void {
    this.teardown();
    if (this.retry) clearTimeout(this.retry);
  }

  private open(): void {
    const transport = this.rungs[this.rungIndex]!;
    const url = new URL(`${ROUTE_PREFIX}${transport.name}`, this.origin);
    url.searchParams.set(TOKEN_PARAM, this.config.token);
    if (this.cursor) url.searchParams.set(CURSOR_PARAM, this.cursor);
    if (this.everUp) url.searchParams.set(RECONNECT_PARAM, '1');
    let up = false;
    this.events.state('connecting', transport.name);
    this.deadline = setTimeout(() => this.fail(transport, 'no hello in time', false), transport.helloDeadlineMs);
    this.connection = transport.open(url, {
      message: (text) => {
        const message = parseMessage(text);
        if (!message) return;
        this.lastHeard = Date.now();
        if (message.kind === 'hello' && !up) {
          up = true;
          this.onUp(transport, message.bootId);
        }
        if (up) this.receive(message);
      },
      closed: (reason, fatal) => (up ? this.onDropped(reason, fatal) : this.fail(transport, reason, fatal)),
    });
  }

  private onUp(transport: ClientTransport, bootId: string): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.everUp = true;
    this.failures = 0;
    if (this.bootId === null) this.bootId = bootId;
    remember(this.origin, transport.name);
    this.events.state('up', transport.name);
    // Background tabs throttle timers, so silence is measured by the wall clock, not by counting ticks.
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * this.config.heartbeatMs + 1000) this.onDropped('heartbeat missed');
    }, 1000);
  }

  private receive(message: ServerMessage): void {
    if (message.kind === 'hello' || message.kind === 'ping') {
      if (message.kind === 'hello' && this.seq < 0) this.seq = message.seq;
      return;
    }
    if (message.kind !== 'resync') {
      const id = parseId(message.id);
      if (!id) return;
      // Exactly once: a message already applied is skipped (an error overlay is state, shown again).
      if (id.bootId === this.bootId && id.seq <= this.seq && message.kind !== 'error') return;
      if (id.bootId === this.bootId && id.seq > this.seq) this.seq = id.seq;
    }
    this.events.message(message);
  }

  /** The rung did not come up: try the next one at once, or back off once every rung has failed. */
  private fail(transport: ClientTransport, _reason: string, fatal = false): void {
    this.teardown();
    if (readRemembered(this.origin) === transport.name) forget(this.origin);
    if (fatal) this.forgetCursor();
    if (this.rungIndex + 1 < this.rungs.length) {
      this.rungIndex++;
      this.open();
      return;
    }
    this.rungIndex = 0;
    this.scheduleRetry();
  }

  /** A working connection ended: reconnect on the same rung after a backoff. */
  private onDropped(_reason: string, fatal = false): void {
    this.teardown();
    if (fatal) this.forgetCursor();
    this.events.state('down', null);
    this.scheduleRetry();
  }

  /** The server refused our cursor as malformed: start over from what the next hello says. */
  private forgetCursor(): void {
    this.bootId = null;
    this.seq = -1;
  }

  private scheduleRetry(): void {
    this.events.state('down', null);
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.failures);
    this.failures++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.retry = setTimeout(() => this.open(), delay);
  }

  private teardown(): void {
    if (this.deadline) clearTimeout(this.deadline);
    if (this.watchdog) clearInterval(this.watchdog);
    this.deadline = this.watchdog = null;
    this.connection?.close();
    this.connection = null;
  }
}

function parseMessage(text: string): ServerMessage | null {
  try {
    const value = JSON.parse(text) as ServerMessage;
    return typeof value === 'object' && value !== null && typeof value.kind === 'string' ? value : null;
  } catch {
    return null;
  }
}

function readRemembered(origin: string): string | null {
  try {
    return sessionStorage.getItem(`${RUNG_KEY}:${origin}`);
  } catch {
    return null;
  }
}

function remember(origin: string, name: TransportName): void {
  try {
    sessionStorage.setItem(`${RUNG_KEY}:${origin}`, name);
  } catch {
    // Storage can be disabled; the ladder then simply starts from the top each time.
  }
}

function forget(origin: string): void {
  try {
    sessionStorage.removeItem(`${RUNG_KEY}:${origin}`);
  } catch {
    // As above.
  }
}
