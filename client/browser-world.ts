import { systemClock } from './clock.js';
import { sessionStore } from './storage.js';
import { createTabShare } from './tab-share.js';
import { CLIENT_TRANSPORTS } from './transports/index.js';
import type { ClientWorld } from './world.js';

/**
 * The browser's world for a connection to `origin`: real rungs, timers, sessionStorage, fetch, reload;
 * `page` is the page's id (see PAGE_PARAM).
 */
export function browserWorld(origin: string, page?: string): ClientWorld {
  return {
    origin,
    ...(page !== undefined && { page }),
    transports: CLIENT_TRANSPORTS,
    clock: systemClock,
    storage: sessionStore,
    fetch: (url, init) => fetch(url, init),
    reload: () => location.reload(),
    random: Math.random,
    tabs: createTabShare,
  };
}
