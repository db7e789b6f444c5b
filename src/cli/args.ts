import { DevpushError, didYouMean } from '../errors.js';
import { COMMAND_NAMES, OPTIONS, optionsOf, type CommandName, type Flags, type OptionName } from './options.js';

/** A usage mistake: one line, a pointer to the help that answers it, exit code 2. */
export class UsageError extends DevpushError {
  constructor(message: string, command: CommandName | null = null) {
    const help = command && command !== 'help' ? `devpush help ${command}` : 'devpush --help';
    super(`devpush: ${message}\nRun "${help}" for usage.`, 2);
  }
}

export interface Parsed {
  /** Null when none was named: bare `devpush [dir]` serves. */
  command: CommandName | null;
  positionals: string[];
  flags: Flags;
}

const SHORT = new Map(
  (Object.keys(OPTIONS) as OptionName[]).flatMap((name) => {
    const short: string | undefined = (OPTIONS[name] as { short?: string }).short;
    return short ? [[short, name] as const] : [];
  }),
);

/**
 * Reads the command line by hand, so every mistake gets devpush's own one-line message (with a
 * did-you-mean) rather than Node's parser's. The command is the first positional when it names one.
 */
export function parseArgs(argv: readonly string[]): Parsed {
  const first = argv.findIndex((arg) => !arg.startsWith('-'));
  const command =
    first >= 0 && (COMMAND_NAMES as string[]).includes(argv[first]!) ? (argv[first] as CommandName) : null;
  const args = command ? argv.filter((_, i) => i !== first) : [...argv];
  const allowed = optionsOf(command ?? 'serve');
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const [rawName, inline] = long ? splitInline(arg.slice(2)) : [arg.slice(1), undefined];
    // Vite's spellings work too: --strictPort, --logLevel.
    const name = long ? rawName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) : SHORT.get(rawName);
    if (name === undefined || !(name in OPTIONS)) throw unknownOption(arg.split('=')[0]!, command);
    const option = name as OptionName;
    if (!allowed.includes(option)) {
      throw new UsageError(`--${option} is not an option of ${command ?? 'serve'}.`, command ?? 'serve');
    }
    const spec: { type: string; bare?: string } = OPTIONS[option];
    if (spec.type === 'boolean') {
      if (inline !== undefined)
        throw new UsageError(`--${option} takes no value (found "${inline}").`, command ?? 'serve');
      flags[option] = true;
      continue;
    }
    const next = args[i + 1];
    let value = inline;
    if (value === undefined && next !== undefined && !next.startsWith('-')) {
      value = next;
      i++;
    }
    if (value === undefined || value === '') {
      if (spec.bare === undefined)
        throw new UsageError(`--${option} needs a value, e.g. ${example(option)}.`, command ?? 'serve');
      value = spec.bare;
    }
    flags[option] = value;
  }
  return { command, positionals, flags: flags as Flags };
}

function splitInline(text: string): [string, string | undefined] {
  const equals = text.indexOf('=');
  return equals < 0 ? [text, undefined] : [text.slice(0, equals), text.slice(equals + 1)];
}

function unknownOption(flag: string, command: CommandName | null): UsageError {
  const bare = flag.replace(/^-+/, '');
  const names = optionsOf(command ?? 'serve');
  const suggestion = didYouMean(
    bare.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
    names,
  );
  const hint = suggestion ? ` Did you mean --${suggestion}?` : '';
  return new UsageError(`unknown option ${flag}.${hint}`, command ?? 'serve');
}

function example(option: OptionName): string {
  if (option === 'port') return '--port 4800';
  if (option === 'config') return '--config devpush.config.ts';
  if (option === 'log-level') return '--log-level warn';
  return `--${option} <value>`;
}

/** For a first word that is no command and no folder: the command it was probably meant to be. */
export function commandSuggestion(word: string): string | null {
  return didYouMean(word, COMMAND_NAMES);
}
