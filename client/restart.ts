import { type BootAnswer, routePath, TOKEN_PARAM } from '../src/protocol.js';
import type { ClientWorld } from './world.js';

/** A reload for a restarted server is not repeated within this window: never a reload loop. */
const RESTART_RELOAD_KEY = 'devpush:restart-reload';
const RESTART_RELOAD_GUARD_MS = 10_000;

/**
 * Every rung failed: is the server gone, or did it restart? Asks `/__devpush/boot`. A server that answers
 * with another bootId than `bootId`, or answers 401 to our token (a new run has a new token), has
 * restarted. No answer (a dead server, a proxy's 502) means nothing, and neither does a 403 (a refused
 * origin): only the server's own answer ever leads to a reload.
 */
export async function serverRestarted(
  world: ClientWorld,
  token: string,
  bootId: () => string | null,
): Promise<boolean> {
  const url = new URL(routePath('boot'), world.origin);
  url.searchParams.set(TOKEN_PARAM, token);
  try {
    const response = await world.fetch(url, { cache: 'no-store' });
    if (response.status === 401) return true;
    if (!response.ok) return false;
    // Checked, not trusted: a proxy may answer for the server with any JSON.
    const boot = (await response.json()) as Partial<Record<keyof BootAnswer, unknown>>;
    const ours = bootId();
    return ours !== null && typeof boot.bootId === 'string' && boot.bootId !== ours;
  } catch {
    return false;
  }
}

/**
 * Whether this tab may reload for a restart now: not if it did within the guard window (its session
 * remembers it across the reload). Taking the permission records it.
 */
export function claimRestartReload(world: ClientWorld): boolean {
  const now = world.clock.now();
  const last = Number(world.storage.get(RESTART_RELOAD_KEY) ?? 0);
  if (now - last < RESTART_RELOAD_GUARD_MS) return false;
  world.storage.set(RESTART_RELOAD_KEY, String(now));
  return true;
}
