import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IgnoreMatcher } from '../config/types.js';
import { changeSet, type BatchTiming, type ChangeSet } from './coalesce.js';
import type { Engine, EngineEvents, EngineOptions } from './engine.js';
import { createIgnore } from './ignore.js';
import { decidePolling, POLLING_ENV, readMountTable, realFolder } from './polling.js';
import { fitsOnMainThread, MAIN_THREAD_LIMIT } from './thread-choice.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

export interface WatchOptions {
  root: string;
  /** Extra folders to watch. */
  paths: readonly string[];
  ignore: readonly IgnoreMatcher[];
  /** true/false, or 'auto': poll where the mount table says events do not arrive. */
  usePolling: boolean | 'auto';
  interval: number;
  tuning?: EngineOptions['tuning'];
  /** Folders with at most this many watched entries are watched on this thread (default `MAIN_THREAD_LIMIT`). */
  mainThreadLimit?: number;
  onChange(changes: ChangeSet): void;
  /** A file-system problem, worded for the terminal; each is reported once. */
  onProblem(message: string): void;
  /** One-line start-up facts worth telling the user (polling, and why). */
  onNotice(message: string): void;
}

/** The last change set's stage times, as `/__devpush/status` shows them. */
export interface LastChange extends BatchTiming {
  files: number;
  /** First event → change set handed over (ms). */
  delayMs: number;
  /** Last event → change set handed over: what the watcher adds to a save (ms). */
  afterLastEventMs: number;
}

export interface WatchStats {
  polling: boolean;
  /**
   * Where chokidar runs: its own thread for a big folder or polling; the server's for a small folder, or
   * when a `watch.ignore` function cannot be moved.
   */
  thread: 'worker' | 'main';
  ready: boolean;
  /** Start → first scan done (ms). */
  readyMs: number | null;
  /** Files hashed by the start-up pass, once it is done (null before). */
  hashedFiles: number | null;
  changeSets: number;
  /** Saves that left the bytes as they were, so nothing was sent. */
  unchanged: number;
  lastChange: LastChange | null;
}

export interface Watcher {
  /** Resolves once the first scan is done (changes before it are not reported). */
  ready: Promise<void>;
  stats(): WatchStats;
  close(): Promise<void>;
}

const MAX_RESTARTS = 3;

/**
 * Watches the served folder and `watch.paths`. chokidar runs in a worker thread so that the first scan
 * of a big folder (or polling's steady stream of stats) does not delay the pages being served; a small
 * folder is watched here, sparing the thread's memory, and so is any folder when a `watch.ignore` entry
 * is a function (which cannot be sent to another thread).
 */
export function startWatcher(options: WatchOptions): Watcher {
  const started = performance.now();
  const decision = decidePolling({
    configured: options.usePolling,
    env: process.env[POLLING_ENV],
    folders: [options.root, ...options.paths].map(realFolder),
    mountTable: readMountTable(),
    interval: options.interval,
  });
  if (decision.notice) options.onNotice(decision.notice);
  const engineOptions: EngineOptions = {
    root: options.root,
    paths: options.paths,
    ignore: options.ignore,
    usePolling: decision.usePolling,
    interval: options.interval,
    since: Date.now(),
    tuning: options.tuning,
  };
  const debug = /\bwatch\b/.test(process.env.DEVPUSH_DEBUG ?? '');
  const stats: WatchStats = {
    polling: decision.usePolling,
    thread: 'main',
    ready: false,
    readyMs: null,
    hashedFiles: null,
    changeSets: 0,
    unchanged: 0,
    lastChange: null,
  };
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const events: EngineEvents = {
    ready() {
      if (stats.ready) return;
      stats.ready = true;
      stats.readyMs = Math.round(performance.now() - started);
      markReady();
    },
    changes(changes) {
      stats.unchanged += changes.timing.unchanged;
      if (changes.size === 0) return;
      stats.changeSets++;
      stats.lastChange = describeTiming(changes);
      if (debug) options.onNotice(debugLine(stats.lastChange));
      options.onChange(changes);
    },
    hashed(files) {
      stats.hashedFiles = files;
    },
    problem: options.onProblem,
  };
  const workerFile = staysOnMainThread(options, decision.usePolling) ? null : workerEntry();
  stats.thread = workerFile ? 'worker' : 'main';
  const running = workerFile
    ? startInWorker(workerFile, engineOptions, events)
    : startOnMainThread(engineOptions, events);
  return { ready, stats: () => ({ ...stats }), close: () => running.close() };
}

function staysOnMainThread(options: WatchOptions, usePolling: boolean): boolean {
  if (options.ignore.some((m) => typeof m === 'function')) return true;
  if (usePolling) return false;
  const bases = [options.root, ...options.paths];
  return fitsOnMainThread(bases, createIgnore(bases, options.ignore), options.mainThreadLimit ?? MAIN_THREAD_LIMIT);
}

function describeTiming(changes: ChangeSet): LastChange {
  const { timing } = changes;
  return {
    ...timing,
    files: changes.size,
    delayMs: round(timing.flushedAt - timing.firstEventAt),
    afterLastEventMs: round(timing.flushedAt - timing.lastEventAt),
  };
}

function debugLine(last: LastChange): string {
  return (
    `watch: ${last.files} file(s) changed, ${last.unchanged} unchanged; first event → flush ${last.delayMs} ms, ` +
    `last event → flush ${last.afterLastEventMs} ms, checking ${round(last.settleMs)} ms`
  );
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The compiled worker beside this file; from src/ (tests run the TypeScript) the one in dist/. */
/** chokidar on this thread, loaded only in this case: the worker thread loads it otherwise. */
function startOnMainThread(engineOptions: EngineOptions, events: EngineEvents): Engine {
  const started = import('./engine.js').then(({ startEngine }) => startEngine(engineOptions, events));
  return { close: async () => (await started).close() };
}

function workerEntry(): URL | null {
  const candidates = [
    new URL('./worker.js', import.meta.url),
    new URL('../../dist/src/watch/worker.js', import.meta.url),
  ];
  return candidates.find((url) => existsSync(fileURLToPath(url))) ?? null;
}

/** Hands a message from the watcher's thread to the engine's listener. */
function dispatchFromWorker(message: FromWorker, events: EngineEvents): void {
  switch (message.type) {
    case 'ready':
      events.ready();
      return;
    case 'changes':
      events.changes(changeSet(message.entries, message.timing));
      return;
    case 'hashed':
      events.hashed(message.files);
      return;
    case 'problem':
      events.problem(message.message);
      return;
    default:
      // Never thrown: this runs in a 'message' listener, where a throw would end the server.
      message satisfies never;
  }
}

/** Runs the engine in a worker thread; a thread that dies is restarted (a few times) so watching goes on. */
function startInWorker(entry: URL, engineOptions: EngineOptions, events: EngineEvents): Engine {
  let closing = false;
  let restarts = 0;
  /** The running thread; null once it has exited for good. */
  let current: Worker | null = null;
  const spawn = () => {
    // A small young generation: the watcher allocates little at a time, and V8's default reserve for a
    // thread cost ~12 MiB of idle RSS.
    const resourceLimits = { maxYoungGenerationSizeMb: 4 };
    const worker = new Worker(entry, { workerData: engineOptions, stdout: false, stderr: false, resourceLimits });
    worker.on('message', (message: FromWorker) => dispatchFromWorker(message, events));
    worker.on('error', (error) => events.problem(`watcher: its thread failed: ${error.stack ?? error.message}`));
    worker.on('exit', () => {
      current = null;
      if (closing) return;
      if (restarts++ < MAX_RESTARTS) {
        events.problem('watcher: restarting it; changes made meanwhile may need a manual reload.');
        current = spawn();
      } else {
        events.problem('watcher: stopped after repeated failures; restart devpush to watch again.');
        events.ready(); // nobody waiting for the first scan should wait forever
      }
    });
    return worker;
  };
  current = spawn();
  return {
    async close() {
      closing = true;
      const worker = current;
      if (!worker) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' } satisfies ToWorker);
      // chokidar closes in milliseconds; a thread stuck in a file-system call is ended anyway.
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
