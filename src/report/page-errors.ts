import { colorsOf, type Logger } from '../log.js';
import type { PageErrorReport } from '../protocol.js';
import { parseStack } from './stack.js';
import { terminalSafe } from './terminal-text.js';
import { codeFrame, type MappedFrame, type StackMapper } from './trace.js';

const FRAMES_SHOWN = 4;
/** Repeats of an error already printed are summed, and said once this long after the last one. */
const REPEAT_QUIET_MS = 1000;
const SIGNATURES_KEPT = 500;

const LABEL: Record<PageErrorReport['kind'], string> = {
  error: 'Uncaught',
  rejection: 'Unhandled rejection:',
  console: 'console.error:',
};

interface Pending {
  count: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Prints browser errors in the terminal: message, page, the top frames mapped to the user's own
 * file:line:column, and a code frame. An error printed before is counted, not printed again: one line
 * says how many more times it happened once it has been quiet for a second.
 */
export class PageErrorPrinter {
  private readonly seen = new Map<string, Pending>();
  private readonly dropped = new Map<string, Pending>();
  /** Printing is in order, one error after the other, even though mapping is asynchronous. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: Logger,
    private readonly mapper: StackMapper,
  ) {}

  report(pageUrl: string, error: PageErrorReport): void {
    const signature = `${pageUrl}\n${error.kind}\n${error.message}\n${parseStack(error.stack, 1)[0]?.url ?? ''}:${parseStack(error.stack, 1)[0]?.line ?? ''}`;
    const known = this.seen.get(signature);
    if (known) {
      this.countRepeat(
        known,
        error.count,
        () => `  ↳ the same error ${plural(known.count, 'more time')} (${terminalSafe(pageUrl)})`,
      );
      return;
    }
    if (this.seen.size >= SIGNATURES_KEPT) this.seen.delete(this.seen.keys().next().value!);
    const entry: Pending = { count: 0, timer: null };
    this.seen.set(signature, entry);
    this.queue = this.queue.then(() => this.print(pageUrl, error)).catch(() => undefined);
    if (error.count > 1)
      this.countRepeat(
        entry,
        error.count - 1,
        () => `  ↳ the same error ${plural(entry.count, 'more time')} (${terminalSafe(pageUrl)})`,
      );
  }

  /** Errors a page sent past its rate limit (or dropped itself): summed per page, said once. */
  droppedFrom(pageUrl: string, count: number): void {
    const held = this.dropped.get(pageUrl) ?? { count: 0, timer: null };
    this.dropped.set(pageUrl, held);
    this.countRepeat(held, count, () => {
      this.dropped.delete(pageUrl);
      return `  ↳ ${plural(held.count, 'more error')} from ${terminalSafe(pageUrl)} not shown (too many at once)`;
    });
  }

  close(): void {
    for (const entry of [...this.seen.values(), ...this.dropped.values()]) if (entry.timer) clearTimeout(entry.timer);
  }

  private countRepeat(entry: Pending, count: number, line: () => string): void {
    entry.count += count;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      const text = line();
      entry.count = 0;
      this.queue = this.queue.then(() => this.log.error(text));
    }, REPEAT_QUIET_MS);
    entry.timer.unref();
  }

  private async print(pageUrl: string, error: PageErrorReport): Promise<void> {
    const c = colorsOf(this.log);
    const frames = await Promise.all(parseStack(error.stack, FRAMES_SHOWN).map((frame) => this.mapper.map(frame)));
    const time = new Date().toLocaleTimeString();
    const lines = [
      `${c.dim(time)} ${c.red(c.bold('browser'))} ${terminalSafe(`${LABEL[error.kind]} ${error.message}`)}`,
      `  ${c.dim('page')} ${terminalSafe(pageUrl)}`,
      ...frames.map((frame) => `    at ${terminalSafe(describeFrame(frame))}`),
    ];
    const framed = frames.find((frame) => frame.source !== null);
    if (framed) {
      const frame = codeFrame(framed.source!, framed.line, framed.column);
      if (frame) lines.push(terminalSafe(frame).replace(/^/gm, '  '));
    }
    this.log.error(lines.join('\n'));
  }
}

function describeFrame(frame: MappedFrame): string {
  const where = `${frame.file}:${frame.line}:${frame.column}`;
  return frame.fn ? `${frame.fn} (${where})` : where;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
