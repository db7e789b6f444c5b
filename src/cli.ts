import { readFileSync } from 'node:fs';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { resolveConfig, type InlineConfig } from './config/load.js';
import { DevpushError } from './errors.js';
import { routePath } from './protocol.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { packageRoot } from './server/client-bundle.js';
import { commandSuggestion, parseArgs, UsageError } from './cli/args.js';
import { commandHelp, generalHelp } from './cli/help.js';
import { COMMAND_NAMES, type CommandName, type Flags } from './cli/options.js';
import { serveSession, servedFolder } from './cli/serve.js';
import { serverUrls } from './cli/banner.js';

function inlineConfig(root: string, flags: Flags): InlineConfig {
  const server: NonNullable<InlineConfig['server']> = {};
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535) {
      throw new UsageError(`--port must be a whole number from 0 to 65535, found "${flags.port}".`, 'serve');
    }
    server.port = port;
  }
  if (flags.host !== undefined) server.host = flags.host;
  if (flags['strict-port']) server.strictPort = true;
  if (flags.open) server.open = true;
  if (flags.proxy !== undefined) server.backend = flags.proxy;
  if (flags.https) server.https = true;
  const logLevel = flags.quiet ? 'warn' : flags['log-level'];
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, found "${logLevel}".`, 'serve');
  }
  return {
    root,
    ...(flags.config !== undefined && { configFile: flags.config }),
    ...(logLevel !== undefined && { logLevel: logLevel as LogLevel }),
    server,
  };
}

function version(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `devpush [dir]` is `devpush serve [dir]`; a first word that is no folder but looks like a command is a typo. */
function serveTarget(positionals: string[]): string | undefined {
  if (positionals.length > 1)
    throw new UsageError(`serve takes one folder, got ${positionals.length}: ${positionals.join(' ')}.`, 'serve');
  return positionals[0];
}

async function serve(positionals: string[], flags: Flags, named: boolean): Promise<void> {
  const dir = serveTarget(positionals);
  if (!named && dir !== undefined && !existsSync(dir)) {
    const suggestion = commandSuggestion(dir);
    if (suggestion) throw new UsageError(`unknown command "${dir}". Did you mean "devpush ${suggestion}"?`);
  }
  const root = servedFolder(dir);
  await serveSession(inlineConfig(root, flags), version());
}

async function snippet(positionals: string[], flags: Flags): Promise<void> {
  if (positionals.length > 0) throw new UsageError(`snippet takes no arguments, got "${positionals[0]}".`, 'snippet');
  const config = await resolveConfig(inlineConfig(path.resolve('.'), flags));
  const urls = serverUrls(config.server.host, config.server.port, config.server.https ? 'https' : 'http');
  const base = urls.local[0] ?? urls.network[0]!;
  process.stdout.write(
    `<script type="module" crossorigin src="${new URL(routePath('client'), base).href}"></script>\n`,
  );
}

function help(positionals: string[]): void {
  const [topic] = positionals;
  if (topic === undefined) {
    process.stdout.write(`${generalHelp(version())}\n`);
    return;
  }
  if (!(COMMAND_NAMES as string[]).includes(topic)) {
    const suggestion = commandSuggestion(topic);
    throw new UsageError(`no command "${topic}".${suggestion ? ` Did you mean "${suggestion}"?` : ''}`);
  }
  process.stdout.write(`${commandHelp(topic as CommandName)}\n`);
}

async function run(argv: string[]): Promise<void> {
  const { command, positionals, flags } = parseArgs(argv);
  if (flags.version) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (flags.help) {
    process.stdout.write(`${command && command !== 'help' ? commandHelp(command) : generalHelp(version())}\n`);
    return;
  }
  switch (command) {
    case 'help':
      return help(positionals);
    case 'snippet':
      return snippet(positionals, flags);
    case 'serve':
    case null:
      return serve(positionals, flags, command === 'serve');
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
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
