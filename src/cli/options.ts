import { DEFAULT_PORT } from '../config/schema.js';
import { LOG_LEVELS } from '../log.js';

export type CommandName = 'serve' | 'snippet' | 'help';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** How the value is written in help (`<n>`); for an optional value, what its absence means. */
  value?: string;
  /** A string option that may be given bare (`--host` = every interface); the value it then takes. */
  bare?: string;
  short?: string;
  help: string;
  /** Commands that take it; global options (help, version) list none. */
  commands: readonly CommandName[];
}

/** Every flag, once: its type, its help line and the commands that take it. */
export const OPTIONS = {
  port: {
    type: 'string',
    value: '<n>',
    help: `port to listen on (default ${DEFAULT_PORT}; the next free one if taken)`,
    commands: ['serve', 'snippet'],
  },
  host: {
    type: 'string',
    value: '[name]',
    bare: '0.0.0.0',
    help: 'interface to listen on (default localhost); bare --host listens on every interface',
    commands: ['serve', 'snippet'],
  },
  'strict-port': { type: 'boolean', help: 'fail if the port is taken instead of moving on', commands: ['serve'] },
  open: {
    type: 'boolean',
    help: 'open the browser when ready (server.open in the config can name a path)',
    commands: ['serve'],
  },
  config: {
    type: 'string',
    value: '<file>',
    help: 'config file (default: devpush.config.{ts,mts,js,mjs,json} in dir)',
    commands: ['serve', 'snippet'],
  },
  proxy: {
    type: 'string',
    value: '<url>',
    help: 'put devpush in front of your backend (server.backend): its pages get live reload',
    commands: ['serve'],
  },
  https: {
    type: 'boolean',
    help: 'serve HTTPS over HTTP/2 with a local certificate (server.https)',
    commands: ['serve', 'snippet'],
  },
  'log-level': {
    type: 'string',
    value: '<level>',
    help: `how much the terminal shows: ${LOG_LEVELS.join(', ')} (default info)`,
    commands: ['serve'],
  },
  quiet: { type: 'boolean', help: 'show only warnings and errors (= --log-level warn)', commands: ['serve'] },
  help: { type: 'boolean', short: 'h', help: 'show help (devpush help <command> for one command)', commands: [] },
  version: { type: 'boolean', short: 'v', help: 'print the version', commands: [] },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;
export type Flags = {
  [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

export const COMMANDS: Record<CommandName, { usage: string; summary: string }> = {
  serve: { usage: 'devpush [serve] [dir] [options]', summary: 'serve dir (default: .) with live reload' },
  snippet: { usage: 'devpush snippet [options]', summary: 'print the tag for pages served by another backend' },
  help: { usage: 'devpush help [command]', summary: 'show help for devpush or one command' },
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** The flags a command takes (global ones included). */
export function optionsOf(command: CommandName): OptionName[] {
  return (Object.keys(OPTIONS) as OptionName[]).filter((name) => {
    const commands: readonly CommandName[] = OPTIONS[name].commands;
    return commands.length === 0 || commands.includes(command);
  });
}
