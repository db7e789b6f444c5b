import { watch, type FSWatcher } from 'chokidar';
import type { IgnoreMatcher } from '../config/types.js';
import { Coalescer, type ChangeSet, type FileEvent } from './coalesce.js';
import { createIgnore } from './ignore.js';

export interface WatchOptions {
  root: string;
  /** Extra folders to watch. */
  paths: readonly string[];
  ignore: readonly IgnoreMatcher[];
  usePolling: boolean;
  interval: number;
  quietMs?: number;
  maxWaitMs?: number;
  onChange(changes: ChangeSet): void;
  onError(error: Error): void;
}

export interface Watcher {
  /** Resolves once the initial scan is done (events before it are not reported). */
  ready: Promise<void>;
  close(): Promise<void>;
}

const EVENTS: readonly FileEvent[] = ['add', 'change', 'unlink', 'addDir', 'unlinkDir'];

/** chokidar on the root and extra paths, its events coalesced into change sets. */
export function startWatcher(options: WatchOptions): Watcher {
  const coalescer = new Coalescer(
    { quietMs: options.quietMs ?? 8, maxWaitMs: options.maxWaitMs ?? 300 },
    options.onChange,
  );
  const ignored = createIgnore(options.root, options.ignore);
  const watcher: FSWatcher = watch([options.root, ...options.paths], {
    ignored: (file: string) => ignored(file),
    ignoreInitial: true,
    usePolling: options.usePolling,
    interval: options.interval,
    binaryInterval: Math.max(options.interval, 300),
  });
  for (const event of EVENTS) watcher.on(event, (file: string) => coalescer.add(event, file));
  // File-system errors (EACCES, races) are reported and never stop the watcher.
  watcher.on('error', (error: unknown) => options.onError(error instanceof Error ? error : new Error(String(error))));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      coalescer.dispose();
      await watcher.close();
    },
  };
}
