import type { ClientConfig, HelloMessage, ServerMessage, TransportName } from '../src/protocol.js';
import { silenceLimitMs } from './backoff.js';
import { admit, type Cursor, formatCursor, inSeqOrder, NO_CURSOR, readCursor, relayFit } from './cursor.js';
import { type ConnectionState, Link } from './link.js';
import type { Relay, TabShare } from './tab-share.js';
import { keepRelayed, type RoleName, roleName, type TabRole } from './tab-role.js';
import type { ClientTransport } from './transports/transport.js';
import type { Cancel, ClientWorld } from './world.js';

export type { ConnectionState } from './link.js';

export interface ConnectionEvents {
  /** A message to apply (already de-duplicated: each replayable message arrives here once). */
  message(message: ServerMessage): void;
  state(state: ConnectionState, transport: TransportName | null): void;
  /** Every message heard, pings and repeats included (the status page refreshes on it). */
  heard?(message: ServerMessage): void;
}

/**
 * The channel as the page sees it: one live link to the server (Link), the cursor that makes every
 * message apply exactly once (cursor.ts), and this tab's role in sharing one connection with the other
 * tabs of its origin on the HTTP rungs (TabRole): a follower catches up on its own connection, then
 * closes it and lives on the leader's relay.
 */
export class ChannelConnection {
  private position: Cursor;
  private role: TabRole = { kind: 'solo' };
  /** The server's newest seq when the last hello was sent: caught up once our seq reaches it. */
  private helloSeq = -1;
  private readonly link: Link;
  private readonly tabs: TabShare | null;

  constructor(
    private readonly world: ClientWorld,
    private readonly config: ClientConfig,
    cursor: string | null,
    private readonly events: ConnectionEvents,
  ) {
    this.position = readCursor(cursor);
    this.link = new Link(world, config, {
      cursor: () => this.position,
      forgetCursor: () => {
        this.position = NO_CURSOR;
      },
      up: (rung, hello) => this.onUp(rung, hello),
      message: (message) => this.onMessage(message),
      heard: (message) => this.events.heard?.(message),
      state: (state, rung) => this.setState(state, rung),
    });
    // Over HTTP/2 (devpush's HTTPS) every tab's stream shares one connection: no relay needed.
    this.tabs = config.tabRelay === false ? null : world.tabs(`${world.origin}|${config.token}`);
    this.tabs?.listen((relay) => this.onRelay(relay));
  }

  /** How this tab takes part in sharing a connection with the other tabs of its origin. */
  get sharing(): RoleName {
    return roleName(this.role);
  }

  get cursor(): string | null {
    return formatCursor(this.position);
  }

  start(): void {
    this.link.start();
  }

  private setState(state: ConnectionState, rung: TransportName | null): void {
    this.events.state(state, rung);
    if (this.role.kind === 'leader') this.tabs?.post({ type: 'state', state, transport: rung });
  }

  private onUp(rung: ClientTransport, hello: HelloMessage): void {
    // A fresh start takes the hello's run (cursor.ts), so its seq counts then too.
    this.helloSeq = hello.bootId === (this.position.bootId ?? hello.bootId) ? hello.seq : -1;
    if (this.tabs && rung.holdsHttpConnection && this.role.kind === 'solo') void this.claimLead(this.tabs);
  }

  private onMessage(message: ServerMessage): void {
    this.receive(message);
    if (this.role.kind === 'catching-up') this.followIfCaughtUp();
  }

  private receive(message: ServerMessage): void {
    const { cursor, apply, relay } = admit(this.position, message);
    this.position = cursor;
    if (relay && this.role.kind === 'leader') this.tabs?.post({ type: 'message', message });
    if (apply) this.events.message(message);
  }

  private become(role: TabRole): void {
    if (this.role.kind === 'following') this.role.unwatch();
    this.role = role;
  }

  private async claimLead(tabs: TabShare): Promise<void> {
    const pending: TabRole = { kind: 'pending', relayed: [] };
    this.become(pending);
    if (await tabs.tryLead()) {
      this.becomeLeader();
      return;
    }
    this.become({ kind: 'catching-up', relayed: pending.relayed });
    tabs.waitToLead(() => this.becomeLeader());
    this.followIfCaughtUp();
  }

  /** This tab now relays its connection (it may have to open one: the previous leader's tab closed). */
  private becomeLeader(): void {
    const wasFollowing = this.role.kind === 'following';
    this.become({ kind: 'leader' });
    if (wasFollowing) this.link.reopen();
    else if (this.link.hasConnection) this.setState('up', this.link.rung);
  }

  /**
   * A follower keeps its own connection until it has everything up to its hello's seq, then closes it
   * and applies the relay (what was relayed meanwhile first; repeats are skipped by seq).
   */
  private followIfCaughtUp(): void {
    const role = this.role;
    if (role.kind !== 'catching-up' || this.helloSeq < 0 || this.position.seq < this.helloSeq) return;
    this.link.stop();
    this.become({ kind: 'following', leaderUp: true, lastHeard: this.world.clock.now(), unwatch: this.watchLeader() });
    for (const message of inSeqOrder(role.relayed)) if (!this.fromRelay(message)) return;
    this.events.state('up', this.link.rung);
  }

  /** The leader went silent while saying it was up (a frozen tab): stop following, for good. */
  private watchLeader(): Cancel {
    return this.world.clock.every(1000, () => {
      const role = this.role;
      if (role.kind !== 'following' || !role.leaderUp) return;
      if (this.world.clock.now() - role.lastHeard > silenceLimitMs(this.config.heartbeatMs)) {
        this.become({ kind: 'independent' });
        this.link.reopen();
      }
    });
  }

  private onRelay(relay: Relay): void {
    const role = this.role;
    switch (role.kind) {
      case 'pending':
      case 'catching-up':
        if (relay.type === 'message') keepRelayed(role, relay.message);
        return;
      case 'following':
        role.lastHeard = this.world.clock.now();
        if (relay.type === 'state') {
          role.leaderUp = relay.state === 'up';
          this.events.state(relay.state, relay.transport);
          return;
        }
        this.events.heard?.(relay.message);
        this.fromRelay(relay.message);
        return;
      case 'solo':
      case 'leader':
      case 'independent':
        return;
      default: {
        const unhandled: never = role;
        void unhandled;
      }
    }
  }

  /** Takes a relayed message while following; false when it shows a gap, and this tab catches up again. */
  private fromRelay(message: ServerMessage): boolean {
    const fit = relayFit(this.position, message);
    if (fit === 'gap') {
      // This tab missed something the relay cannot give back: catch up on its own connection again.
      this.become({ kind: 'catching-up', relayed: [] });
      this.link.reopen();
      return false;
    }
    if (fit === 'next') this.receive(message);
    return true;
  }
}
