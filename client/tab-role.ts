import type { ServerMessage } from '../src/protocol.js';
import type { Cancel } from './world.js';

/** Relayed messages kept while this tab catches up on its own connection before following the leader. */
const RELAY_BUFFER_MAX = 1000;

/**
 * How this tab takes part in sharing one connection with the other tabs of its origin (see TabShare),
 * with what each part needs to know and nothing else.
 */
export type TabRole =
  /** Own connection, not sharing (on WebSocket, or where the browser cannot share). */
  | { kind: 'solo' }
  /** Up on an HTTP rung, asking for the lead; keeps what the leader relays meanwhile. */
  | { kind: 'pending'; relayed: ServerMessage[] }
  /** Own connection, relayed to the other tabs. */
  | { kind: 'leader' }
  /** Another tab leads: this one stays on its own connection until it has caught up with the relay. */
  | { kind: 'catching-up'; relayed: ServerMessage[] }
  /** Lives on the leader's relay, own connection closed; `unwatch` ends the check for a silent leader. */
  | { kind: 'following'; leaderUp: boolean; lastHeard: number; unwatch: Cancel }
  /** The leader went silent while saying it was up (a frozen tab): own connection from now on. */
  | { kind: 'independent' };

/** The role's name in `window.__devpush.sharing`. */
export type RoleName = 'solo' | 'pending' | 'leader' | 'follower' | 'independent';

export function roleName(role: TabRole): RoleName {
  switch (role.kind) {
    case 'catching-up':
    case 'following':
      return 'follower';
    case 'solo':
    case 'pending':
    case 'leader':
    case 'independent':
      return role.kind;
    default: {
      const unhandled: never = role;
      return unhandled;
    }
  }
}

/** Keeps a relayed message for later, up to a bound (a tab that never catches up must not grow forever). */
export function keepRelayed(role: { relayed: ServerMessage[] }, message: ServerMessage): void {
  if (role.relayed.length < RELAY_BUFFER_MAX) role.relayed.push(message);
}
