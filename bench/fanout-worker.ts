// A child process of the fan-out and leak figures: it holds many channel clients so that the measuring
// process is not the bottleneck, and records when each change message reached each client.
import { openProbe, type ChannelProbe, type Rung } from './channel-clients.js';
import { until } from './clock.js';

export type WorkerCommand =
  | { cmd: 'connect'; base: string; token: string; rung: Rung; count: number }
  | { cmd: 'collect'; id: string; expected: number }
  | { cmd: 'cycle'; base: string; token: string; rung: Rung; cycles: number; concurrency: number }
  | { cmd: 'close' };

export type WorkerReply =
  | { type: 'connected'; ok: number; failed: number }
  | { type: 'collected'; id: string; times: number[] }
  | { type: 'cycled'; ok: number; failed: number }
  | { type: 'error'; message: string };

const BATCH = 200;
const probes: ChannelProbe[] = [];
const receipts = new Map<string, number[]>();

function reply(message: WorkerReply): void {
  process.send!(message);
}

/** Opens one client and resolves true once its hello arrives (false if it fails first). */
function connectOne(base: string, token: string, rung: Rung, keep: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    let up = false;
    const probe = openProbe(base, token, rung, {
      onMessage(message, at) {
        if (message.kind === 'hello') {
          if (!up) {
            up = true;
            if (!keep) probe.close();
            resolve(true);
          }
          return;
        }
        if (message.kind === 'ping') return;
        const list = receipts.get(message.id) ?? [];
        list.push(at);
        receipts.set(message.id, list);
      },
      onClosed() {
        if (!up) resolve(false);
      },
    });
    if (keep) probes.push(probe);
  });
}

async function connect(command: Extract<WorkerCommand, { cmd: 'connect' }>): Promise<void> {
  let ok = 0;
  for (let start = 0; start < command.count; start += BATCH) {
    const size = Math.min(BATCH, command.count - start);
    const results = await Promise.all(
      Array.from({ length: size }, () => connectOne(command.base, command.token, command.rung, true)),
    );
    ok += results.filter(Boolean).length;
  }
  reply({ type: 'connected', ok, failed: command.count - ok });
}

/** Connect, wait for hello, disconnect: `cycles` times, `concurrency` at once. */
async function cycle(command: Extract<WorkerCommand, { cmd: 'cycle' }>): Promise<void> {
  let ok = 0;
  let next = 0;
  const lane = async () => {
    while (next < command.cycles) {
      next++;
      if (await connectOne(command.base, command.token, command.rung, false)) ok++;
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, lane));
  reply({ type: 'cycled', ok, failed: command.cycles - ok });
}

async function collect(command: Extract<WorkerCommand, { cmd: 'collect' }>): Promise<void> {
  await until(15_000, `message ${command.id} at every client`, () =>
    (receipts.get(command.id)?.length ?? 0) >= command.expected ? true : undefined,
  ).catch(() => undefined);
  reply({ type: 'collected', id: command.id, times: receipts.get(command.id) ?? [] });
  receipts.delete(command.id);
}

process.on('message', (command: WorkerCommand) => {
  const run =
    command.cmd === 'connect'
      ? connect(command)
      : command.cmd === 'collect'
        ? collect(command)
        : command.cmd === 'cycle'
          ? cycle(command)
          : Promise.resolve().then(() => {
              for (const probe of probes) probe.close();
              process.exit(0);
            });
  run.catch((error: unknown) => reply({ type: 'error', message: (error as Error).message }));
});
process.on('disconnect', () => process.exit(0));
