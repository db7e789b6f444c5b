import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from './clock.js';
import type { FloorCommand, FloorReply } from './floor-server.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor-server.js');

/** The fan-out figure's floor (bench/floor-server.ts) in its own process, as devpush runs in its own. */
export class FloorServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<FloorServer> {
    const child = fork(SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await within(
      10_000,
      'the floor server to listen',
      new Promise<number>((resolve) =>
        child.on('message', (reply: FloorReply) => reply.type === 'listening' && resolve(reply.port)),
      ),
    );
    return new FloorServer(child, `http://127.0.0.1:${port}/`);
  }

  /** Writes message `n` to every socket; resolves with its id and when the writes began. */
  broadcast(n: number): Promise<{ id: string; at: number }> {
    const sent = new Promise<{ id: string; at: number }>((resolve) => {
      const onReply = (reply: FloorReply) => {
        if (reply.type !== 'sent') return;
        this.child.off('message', onReply);
        resolve(reply);
      };
      this.child.on('message', onReply);
    });
    this.child.send({ cmd: 'broadcast', n } satisfies FloorCommand);
    return within(10_000, 'the floor server to broadcast', sent);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}
