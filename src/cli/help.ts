import { COMMAND_NAMES, COMMANDS, OPTIONS, optionsOf, type CommandName, type OptionSpec } from './options.js';

function optionLines(names: readonly (keyof typeof OPTIONS)[]): string {
  const rows = names.map((name) => {
    const spec: OptionSpec = OPTIONS[name];
    const short = spec.short ? `-${spec.short}, ` : '';
    return [`${short}--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.help] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`).join('\n');
}

/** `devpush --help`: every command, then the options of serve (what bare `devpush` runs). */
export function generalHelp(version: string): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => COMMANDS[name].usage.length)) + 2;
  const commands = COMMAND_NAMES.map((name) => `  ${COMMANDS[name].usage.padEnd(width)}${COMMANDS[name].summary}`);
  return [
    `devpush ${version}: a dev server whose pages update the moment you save.`,
    '',
    'Usage:',
    ...commands,
    '  devpush --help | --version',
    '',
    'Options of serve:',
    optionLines(optionsOf('serve')),
    '',
    'In a terminal, while serving: r reload pages, u show URLs, o open the browser, c clear, q quit, h help.',
    'Run "devpush help <command>" for one command.',
  ].join('\n');
}

/** `devpush help serve`, `devpush snippet --help`: that command's usage and only its flags. */
export function commandHelp(command: CommandName): string {
  const { usage, summary } = COMMANDS[command];
  if (command === 'help') return `Usage: ${usage}\n\n${summary}.`;
  return [
    `Usage: ${usage}`,
    '',
    `${summary[0]!.toUpperCase()}${summary.slice(1)}.`,
    '',
    'Options:',
    optionLines(optionsOf(command)),
  ].join('\n');
}
