import picocolors from 'picocolors';

/** picocolors' functions (`colors.red(text)`), plain when colour is off. */
export type Colors = ReturnType<typeof picocolors.createColors>;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Colours for stdout (info lines); plain text when colour is off there. */
  readonly colors?: Colors;
}

export const LOG_LEVELS = ['info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const ORDER: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * Whether to colour what goes to `stream`: never with NO_COLOR (non-empty, as no-color.org says); always
 * with FORCE_COLOR (unless "0" or "false"); otherwise only on a terminal that is not "dumb".
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Terminal logger: info to stdout, problems to stderr; colour per stream (see colorEnabled). */
export function createLogger(
  level: LogLevel = 'info',
  out: Stream = process.stdout,
  err: Stream = process.stderr,
): Logger {
  const outColors = picocolors.createColors(colorEnabled(out));
  const errColors = picocolors.createColors(colorEnabled(err));
  const enabled = (at: LogLevel) => ORDER[at] >= ORDER[level];
  return {
    colors: outColors,
    info: (message) => enabled('info') && out.write(`${message}\n`),
    warn: (message) => enabled('warn') && err.write(`${errColors.yellow(`warning: ${message}`)}\n`),
    error: (message) => enabled('error') && err.write(`${errColors.red(message)}\n`),
  };
}

/** The logger's colours, or plain ones (a logger supplied by a test or an embedder may have none). */
export function colorsOf(log: Logger): Colors {
  return log.colors ?? picocolors.createColors(false);
}
