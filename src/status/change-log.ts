import path from 'node:path';
import type { Colors } from '../log.js';
import { type ChangeSummary, type ReplayableMessage, TOLD_WORDS } from '../protocol.js';

const FILES_NAMED = 20;
const KEPT = 50;

/** One change set in words: the files saved, what the pages were told, how many pages, how long. */
export function summarize(
  root: string,
  files: Iterable<string>,
  messages: readonly ReplayableMessage[],
  pages: number,
  firstEventAt: number,
  at: number,
): ChangeSummary {
  const all = [...files].map((file) => path.relative(root, file).split(path.sep).join('/') || '.');
  return {
    at,
    files: all.slice(0, FILES_NAMED),
    fileCount: all.length,
    told: messages.map((message) => ({ kind: message.kind, paths: 'paths' in message ? message.paths : [] })),
    pages,
    ms: Math.max(0, Math.round(at - firstEventAt)),
  };
}

/** The terminal's line for a change set: `12:04:05 style.css → stylesheet swap · 2 pages (14 ms)`. */
export function describeChange(summary: ChangeSummary, c: Colors, extra = ''): string {
  const time = c.dim(new Date(summary.at).toLocaleTimeString());
  const saved =
    summary.fileCount === 1
      ? summary.files[0]!
      : summary.fileCount <= 3
        ? summary.files.join(', ')
        : `${summary.fileCount} files`;
  const kinds = [...new Set(summary.told.map((told) => TOLD_WORDS[told.kind]))];
  const told = kinds.length
    ? `${c.green(kinds.join(', '))} ${c.dim('·')} ${summary.pages} ${summary.pages === 1 ? 'page' : 'pages'}`
    : c.dim('nothing to tell the pages');
  return `${time} ${c.cyan(saved)} → ${told} ${c.dim(`(${summary.ms} ms)`)}${extra}`;
}

/** The most recent change summaries, oldest first. */
export class ChangeLog {
  private readonly items: ChangeSummary[] = [];

  add(summary: ChangeSummary): void {
    this.items.push(summary);
    if (this.items.length > KEPT) this.items.shift();
  }

  list(): ChangeSummary[] {
    return [...this.items];
  }
}
