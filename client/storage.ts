import type { KeyValueStore } from './world.js';

/**
 * `sessionStorage`, which can be disabled (privacy settings) and then throws on every call: the client
 * then simply remembers nothing (the ladder starts from the top on each page).
 */
export const sessionStore: KeyValueStore = {
  get(key) {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      sessionStorage.setItem(key, value);
    } catch {
      // Nothing remembered: see above.
    }
  },
  remove(key) {
    try {
      sessionStorage.removeItem(key);
    } catch {
      // Nothing remembered: see above.
    }
  },
};
