import {
  CONTINUE_PARAM,
  channelPath,
  CURSOR_PARAM,
  PAGE_PARAM,
  RECONNECT_PARAM,
  TOKEN_PARAM,
  type ClientConfig,
  type HelloMessage,
  type ServerMessage,
  type TransportName,
} from '../src/protocol.js';
import { openAttempt } from './attempt.js';
import { backoffDelay, betterRungDelay, silenceLimitMs } from './backoff.js';
import { Timers } from './clock.js';
import { type Cursor, formatCursor } from './cursor.js';
import { Ladder } from './ladder.js';
import { claimRestartReload, serverRestarted } from './restart.js';
import type { ClientTransport, Connection } from './transports/transport.js';
import type { ClientWorld } from './world.js';

export type ConnectionState = 'connecting' | 'up' | 'down';

export interface LinkEvents {
  /** The cursor to resume from, as it is now. */
  cursor(): Cursor;
  /** The server refused the cursor as malformed: start over from what the next hello says. */
  forgetCursor(): void;
  /** A connection said its first hello: `rung` works. */
  up(rung: ClientTransport, hello: HelloMessage): void;
  /** Every message of the live connection from its hello on (repeats included: see cursor.ts). */
  message(message: ServerMessage): void;
  /** Every message heard on any connection, pings and repeats included. */
  heard(message: ServerMessage): void;
  state(state: ConnectionState, rung: TransportName | null): void;
}

type TimerName = 'hello' | 'silence' | 'better' | 'trial' | 'retry';

/**
 * Keeps one live connection to the server: walks down the ladder until a rung delivers `hello`,
 * remembers the rung that worked, now and then tries the best rung again, reconnects with capped
 * backoff and jitter, resumes from the cursor, and treats silence past two heartbeats (by wall clock)
 * as a dead connection. When every rung fails it asks the server which run it is, and reloads the page
 * once if the server restarted: only ever on the server's answer, never against a dead server.
 */
export class Link {
  private readonly ladder: Ladder;
  private readonly timers: Timers<TimerName>;
  private connection: Connection | null = null;
  /** A connection on the best rung, opened while up on a lower one, not yet switched to. */
  private trial: Connection | null = null;
  /** Failed rounds (every rung failed, or a working connection dropped) since the last hello. */
  private failures = 0;
  private everUp = false;
  private lastHeard = 0;

  constructor(
    private readonly world: ClientWorld,
    private readonly config: ClientConfig,
    private readonly events: LinkEvents,
  ) {
    this.ladder = new Ladder(config.transports, world.transports, world.storage, world.origin);
    this.timers = new Timers(world.clock);
  }

  /** The rung in use (or being tried); null when this browser supports none of the offered ones. */
  get rung(): TransportName | null {
    return this.ladder.current?.name ?? null;
  }

  /** Whether a connection is open or being opened (not: waiting to retry, stopped). */
  get hasConnection(): boolean {
    return this.connection !== null;
  }

  start(): void {
    this.connect();
  }

  /** Closes every connection and cancels every timer, retries included, until `reopen`. */
  stop(): void {
    this.timers.cancelAll();
    this.trial?.close();
    this.trial = null;
    this.connection?.close();
    this.connection = null;
  }

  /** Drops what is open and connects again at once, on the current rung. */
  reopen(): void {
    this.stop();
    this.connect();
  }

  private url(rung: ClientTransport, continued: boolean): URL {
    const url = new URL(channelPath(rung.name), this.world.origin);
    url.searchParams.set(TOKEN_PARAM, this.config.token);
    if (this.world.page) url.searchParams.set(PAGE_PARAM, this.world.page);
    const cursor = formatCursor(this.events.cursor());
    if (cursor) url.searchParams.set(CURSOR_PARAM, cursor);
    if (this.everUp) url.searchParams.set(RECONNECT_PARAM, '1');
    if (continued) url.searchParams.set(CONTINUE_PARAM, '1');
    return url;
  }

  private attempt(
    rung: ClientTransport,
    up: (hello: HelloMessage) => void,
    closed: (wasUp: boolean, fatal: boolean) => void,
  ): Connection {
    return openAttempt(rung, (continued) => this.url(rung, continued), {
      heard: (message) => {
        this.lastHeard = this.world.clock.now();
        this.events.heard(message);
      },
      up,
      message: (message) => this.events.message(message),
      closed,
    });
  }

  private connect(): void {
    const rung = this.ladder.current;
    if (!rung) {
      this.events.state('down', null);
      return;
    }
    this.events.state('connecting', rung.name);
    this.timers.after('hello', rung.helloDeadlineMs, () => this.failed(rung, false));
    this.connection = this.attempt(
      rung,
      (hello) => this.onUp(rung, hello),
      (wasUp, fatal) => (wasUp ? this.dropped(fatal) : this.failed(rung, fatal)),
    );
  }

  private onUp(rung: ClientTransport, hello: HelloMessage): void {
    this.timers.cancel('hello');
    this.everUp = true;
    this.failures = 0;
    this.ladder.worked(rung);
    this.events.state('up', rung.name);
    this.timers.every('silence', 1000, () => {
      if (this.world.clock.now() - this.lastHeard > silenceLimitMs(this.config.heartbeatMs)) this.dropped(false);
    });
    this.scheduleBetterRung();
    this.events.up(rung, hello);
  }

  /** The rung did not come up: try the next one at once; once every rung has failed, ask and back off. */
  private failed(rung: ClientTransport, fatal: boolean): void {
    this.stop();
    if (fatal) this.events.forgetCursor();
    if (this.ladder.failed(rung)) {
      this.connect();
      return;
    }
    void this.reloadIfRestarted();
    this.scheduleRetry();
  }

  /** A working connection ended: reconnect on the same rung after a backoff. */
  private dropped(fatal: boolean): void {
    this.stop();
    if (fatal) this.events.forgetCursor();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.events.state('down', null);
    this.timers.after('retry', backoffDelay(this.failures++, this.world.random), () => this.connect());
  }

  private async reloadIfRestarted(): Promise<void> {
    const bootId = () => this.events.cursor().bootId;
    if (!(await serverRestarted(this.world, this.config.token, bootId))) return;
    if (!claimRestartReload(this.world)) return;
    this.stop();
    this.world.reload();
  }

  /** While up on a lower rung, try the best one now and then; switch over if it says hello. */
  private scheduleBetterRung(): void {
    if (this.ladder.onBest) return;
    const delay = betterRungDelay(this.config.heartbeatMs, this.world.random);
    this.timers.after('better', delay, () => this.tryBetterRung());
  }

  private tryBetterRung(): void {
    const best = this.ladder.best;
    if (!best) return;
    const trial = this.attempt(
      best,
      (hello) => {
        // The replay on the new connection overlaps what the old one delivered; the cursor skips repeats.
        this.trial = null;
        this.stop();
        this.connection = trial;
        this.onUp(best, hello);
      },
      (wasUp, fatal) => {
        if (wasUp) {
          this.dropped(fatal);
          return;
        }
        this.timers.cancel('trial');
        this.trial = null;
        this.scheduleBetterRung();
      },
    );
    this.trial = trial;
    this.timers.after('trial', best.helloDeadlineMs, () => {
      trial.close();
      this.trial = null;
      this.scheduleBetterRung();
    });
  }
}
