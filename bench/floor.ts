import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preciseNow, within } from './clock.js';
import type { FloorCommand, FloorReply } from './floor-server.js';
import type { BenchServer } from './peers.js';

// Floors: the least any server does for a figure, measured with the same clients in the same run, so a
// figure says what is devpush's and what is this machine's.

const here = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(here, 'floor-server.js');
const HMR_SCRIPT = path.join(here, 'hmr-floor-server.js');

/** A floor's script in a child process, once it says it listens on `port` (its first message). */
async function forkListening(
  script: string,
  args: string[],
  what: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await within(
    10_000,
    `${what} to listen`,
    new Promise<number>((resolve) =>
      child.on('message', (reply: { type: string; port?: number }) => {
        if (reply.type === 'listening' && reply.port) resolve(reply.port);
      }),
    ),
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { child, url: `http://127.0.0.1:${port}/` };
}

/** The fan-out figure's floor (bench/floor-server.ts) in its own process, as devpush runs in its own. */
export class FloorServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<FloorServer> {
    const { child, url } = await forkListening(SCRIPT, [], 'the floor server');
    return new FloorServer(child, url);
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
    const { child, url } = await forkListening(HMR_SCRIPT, [root], 'the HMR floor server');
    return new HmrFloorProcess(child, url, spawnedAt);
  }

  /** Its watch is set up before it listens. */
  async watcherReady(): Promise<void> {}

  async stop(): Promise<void> {
    this.child.kill('SIGKILL');
  }
}
