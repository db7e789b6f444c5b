import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from './clock.js';
import type { WorkerCommand, WorkerReply } from './fanout-worker.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fanout-worker.js');

/** A child process holding channel clients (bench/fanout-worker.ts), driven by request and reply. */
export class ClientWorker {
  private readonly replies: WorkerReply[] = [];
  private wake: (() => void) | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: WorkerReply) => {
      this.replies.push(message);
      this.wake?.();
    });
  }

  static spawn(): ClientWorker {
    return new ClientWorker(fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  /** Sends a command and waits for its reply (one command at a time per worker). */
  async ask<T extends WorkerReply['type']>(
    command: WorkerCommand,
    type: T,
    timeoutMs: number,
  ): Promise<Extract<WorkerReply, { type: T }>> {
    this.child.send(command);
    return within(
      timeoutMs,
      `the client worker to answer ${command.cmd}`,
      (async () => {
        for (;;) {
          const index = this.replies.findIndex((r) => r.type === type || r.type === 'error');
          if (index >= 0) {
            const [found] = this.replies.splice(index, 1);
            if (found!.type === 'error') throw new Error(`client worker: ${found!.message}`);
            return found as Extract<WorkerReply, { type: T }>;
          }
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      })(),
    );
  }

  stop(): void {
    if (this.child.connected) this.child.send({ cmd: 'close' } satisfies WorkerCommand);
    setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
  }
}
