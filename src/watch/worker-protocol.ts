import type { BatchTiming, FileEvent } from './coalesce.js';

/** Messages from the watcher's thread to the server. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'changes'; entries: [string, FileEvent][]; timing: BatchTiming }
  | { type: 'hashed'; files: number }
  | { type: 'problem'; message: string };

/** Messages from the server to the watcher's thread. */
export type ToWorker = { type: 'close' };
