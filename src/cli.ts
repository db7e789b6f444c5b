import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig, type InlineConfig } from './config/load.js';
import { DevpushError } from './errors.js';
import { createLogger } from './log.js';
import { packageRoot } from './server/client-bundle.js';
import { startDevServer, type DevServer } from './server/server.js';
import { DEFAULT_PORT } from './config/schema.js';
import { routePath } from './protocol.js';

const USAGE = `Usage:
  devpush serve [dir] [options]   serve dir (default: .) with live reload
  devpush snippet [options]       print the tag for pages served by another backend
  devpush --help | --version

Options:
  --port <n>        port to listen on (default ${DEFAULT_PORT}; the next free one if taken)
  --host <name>     interface to listen on (default localhost; anything else exposes the project)
  --strict-port     fail if the port is taken instead of moving on
  --open            open the browser when ready (server.open in the config can name a path)
  --config <file>   config file (default: devpush.config.{ts,mts,js,mjs,json} in dir)`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'strict-port': { type: 'boolean' },
  open: { type: 'boolean' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Flags = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** A usage mistake: one line, then the usage, exit code 2. */
class UsageError extends DevpushError {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`, 2);
  }
}

function parse(argv: string[]): { command: string | undefined; rest: string[]; flags: Flags } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    return { command, rest, flags: values as Flags };
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--prot'..."; keep its first sentence.
    throw new UsageError(`devpush: ${(error as Error).message.split('. ')[0]}.`);
  }
}

function inlineConfig(dir: string | undefined, flags: Flags): InlineConfig {
  const server: NonNullable<InlineConfig['server']> = {};
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535) {
      throw new UsageError(`devpush: --port must be a whole number from 0 to 65535, found "${flags.port}".`);
    }
    server.port = port;
  }
  if (flags.host !== undefined) server.host = flags.host;
  if (flags['strict-port']) server.strictPort = true;
  if (flags.open) server.open = true;
  return { root: dir ?? '.', ...(flags.config !== undefined && { configFile: flags.config }), server };
}

function version(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

async function serve(args: string[], flags: Flags): Promise<void> {
  const started = performance.now();
  if (args.length > 1) throw new UsageError(`devpush: serve takes one folder, got ${args.length}.`);
  const log = createLogger();
  const config = await resolveConfig(inlineConfig(args[0], flags));
  const server = await startDevServer(config, log);
  const ms = Math.round(performance.now() - started);
  log.info(`devpush ready in ${ms} ms\n\n  Local:   ${server.url}\n  Serving: ${config.root}\n`);
  if (config.server.open) await openBrowser(server, config.server.open, log);
  closeOnSignals(server);
}

async function openBrowser(server: DevServer, target: boolean | string, log: ReturnType<typeof createLogger>) {
  const url = new URL(typeof target === 'string' ? target : '/', server.url).href;
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    child.on('error', () => log.warn(`could not open a browser; open ${url} yourself.`));
  } catch {
    log.warn(`could not open a browser; open ${url} yourself.`);
  }
}

function closeOnSignals(server: DevServer): void {
  let closing = false;
  const stop = () => {
    if (closing) process.exit(130); // a second Ctrl-C does not wait
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function snippet(args: string[], flags: Flags): Promise<void> {
  if (args.length > 0) throw new UsageError(`devpush: snippet takes no arguments, got "${args[0]}".`);
  const config = await resolveConfig({ ...inlineConfig('.', flags) });
  const host = config.server.host === '127.0.0.1' ? 'localhost' : config.server.host;
  process.stdout.write(
    `<script type="module" crossorigin src="http://${host}:${config.server.port}${routePath('client')}"></script>\n`,
  );
}

async function run(argv: string[]): Promise<void> {
  const { command, rest, flags } = parse(argv);
  if (flags.help) {
    process.stdout.write(`devpush ${version()}: a dev server whose pages update the moment you save.\n\n${USAGE}\n`);
    return;
  }
  if (flags.version) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (command === 'serve') return serve(rest, flags);
  if (command === 'snippet') return snippet(rest, flags);
  if (command === undefined) throw new UsageError('devpush: missing command.');
  throw new UsageError(`devpush: unknown command "${command}".`);
}

/** The only place the process ends on an error: known errors print their line, anything else its stack. */
export function main(argv: string[]): void {
  run(argv).catch((error: unknown) => {
    if (error instanceof DevpushError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`devpush crashed; this is a bug:\n${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
