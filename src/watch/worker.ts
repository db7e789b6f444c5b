// The watcher's thread. chokidar's first scan of a big folder fills the libuv queue with tens of
// thousands of stat calls and runs long bursts of callbacks; here they do not hold up the server's
// requests (the first page of a 20,000-file folder came seconds late on the main thread).
import { parentPort, workerData } from 'node:worker_threads';
import { startEngine, type EngineOptions } from './engine.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

const engine = startEngine(workerData as EngineOptions, {
  ready: () => post({ type: 'ready' }),
  changes: (changes) => post({ type: 'changes', entries: [...changes], timing: changes.timing }),
  hashed: (files) => post({ type: 'hashed', files }),
  problem: (message) => post({ type: 'problem', message }),
});

port.on('message', (message: ToWorker) => {
  if (message.type !== 'close') return;
  // Closing the port ends the thread; the server waits for its exit.
  void engine.close().finally(() => port.close());
});
