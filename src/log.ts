import { styleText } from 'node:util';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

/** Terminal logger: info to stdout, problems to stderr; colour only on a TTY. */
export function createLogger(
  level: LogLevel = 'info',
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
  err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Logger {
  const paint = (stream: { isTTY?: boolean }, format: 'yellow' | 'red', text: string) =>
    stream.isTTY ? styleText(format, text) : text;
  const enabled = (at: LogLevel) => ORDER[at] >= ORDER[level];
  return {
    info: (message) => enabled('info') && out.write(`${message}\n`),
    warn: (message) => enabled('warn') && err.write(`${paint(err, 'yellow', `warning: ${message}`)}\n`),
    error: (message) => enabled('error') && err.write(`${paint(err, 'red', message)}\n`),
  };
}
