// The exactly-once rule, as pure functions over the client's cursor: the id of the last message applied.
import { parseId, type ReplayableMessage, type ServerMessage } from '../src/protocol.js';

/** `bootId.seq` of the last message this page applied; no bootId before the first hello of a fresh start. */
export interface Cursor {
  readonly bootId: string | null;
  readonly seq: number;
}

export const NO_CURSOR: Cursor = { bootId: null, seq: -1 };

/** The cursor from its text (the injected tag's attribute); a missing or malformed one is no cursor. */
export function readCursor(text: string | null): Cursor {
  return parseId(text) ?? NO_CURSOR;
}

export function formatCursor(cursor: Cursor): string | null {
  return cursor.bootId === null ? null : `${cursor.bootId}.${cursor.seq}`;
}

/** What to do with one message that arrived on this tab's own connection, and the cursor after it. */
export interface Admission {
  readonly cursor: Cursor;
  /** Hand it to the page. */
  readonly apply: boolean;
  /** Pass it on to the tabs following this one (when this tab leads). */
  readonly relay: boolean;
}

/**
 * Exactly once: a replayable message at or below the cursor was applied already and is skipped (a
 * reconnect's replay overlaps what the old connection delivered); a newer one advances the cursor.
 * A fresh start takes its cursor from the first hello. The switch is exhaustive: a new kind fails the
 * type check here until it is given a rule.
 */
export function admit(cursor: Cursor, message: ServerMessage): Admission {
  switch (message.kind) {
    case 'hello':
      return { cursor: cursor.bootId === null ? { bootId: message.bootId, seq: message.seq } : cursor, ...KEEP };
    case 'ping':
      return { cursor, apply: false, relay: true };
    case 'resync':
      return { cursor, apply: true, relay: false };
    case 'reload':
    case 'css':
    case 'img':
    case 'update':
    case 'error':
    case 'error-cleared':
    case 'custom':
      return admitReplayable(cursor, message);
    default:
      return unknownKind(message, cursor);
  }
}

const KEEP = { apply: false, relay: false } as const;

function admitReplayable(cursor: Cursor, message: ReplayableMessage): Admission {
  const id = parseId(message.id);
  if (!id) return { cursor, ...KEEP };
  const sameRun = id.bootId === cursor.bootId;
  // An error overlay is state, not an event: it is shown again even when already seen.
  if (sameRun && id.seq <= cursor.seq && message.kind !== 'error') return { cursor, ...KEEP };
  const next = sameRun && id.seq > cursor.seq ? { bootId: id.bootId, seq: id.seq } : cursor;
  return { cursor: next, apply: true, relay: true };
}

/** Only reachable at run time, with a kind from a newer server than this client: ignored. */
function unknownKind(_message: never, cursor: Cursor): Admission {
  return { cursor, ...KEEP };
}

/**
 * How a message relayed by the leading tab fits this tab's cursor: `next` to take it as is, `gap` when
 * something before it is missing (the relay cannot give it back: catch up on an own connection),
 * `ignore` for pings and messages of another run.
 */
export function relayFit(cursor: Cursor, message: ServerMessage): 'next' | 'gap' | 'ignore' {
  if (message.kind === 'ping') return 'ignore';
  const id = parseId(message.id);
  if (!id || id.bootId !== cursor.bootId) return 'ignore';
  return id.seq > cursor.seq + 1 ? 'gap' : 'next';
}

/** Messages in the order the server sent them (by seq). */
export function inSeqOrder(messages: readonly ServerMessage[]): ServerMessage[] {
  return [...messages].sort((a, b) => seqOf(a) - seqOf(b));
}

function seqOf(message: ServerMessage): number {
  return parseId(message.id)?.seq ?? -1;
}
