import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preciseNow, within } from './clock.js';
import type { FloorCommand, FloorReply } from './floor-server.js';
import type { HmrFloorReply } from './hmr-floor-server.js';
import type { BenchServer } from './peers.js';

// Floors: the least any server does for a figure, measured with the same clients in the same run, so a
// figure says what is devpush's and what is this machine's.

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(here, 'floor-server.js');
const HMR_SCRIPT = path.join(here, 'hmr-floor-server.js');

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

/** The HMR figures' floor (bench/hmr-floor-server.ts) serving a project folder in its own process. */
export class HmrFloorProcess implements BenchServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly spawnedAt: number,
  ) {}

  static async start(root: string): Promise<HmrFloorProcess> {
    const spawnedAt = preciseNow();
    const child = fork(HMR_SCRIPT, [root], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await within(
      10_000,
      'the HMR floor server to listen',
      new Promise<number>((resolve) => child.on('message', (reply: HmrFloorReply) => resolve(reply.port))),
    );
    return new HmrFloorProcess(child, `http://127.0.0.1:${port}/`, spawnedAt);
  }

  /** Its watch is set up before it listens. */
  async watcherReady(): Promise<void> {}

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
  }
}
