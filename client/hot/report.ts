// The seam between the hot runtime and the dev server: the channel client (client.js, another bundle)
// puts its report sender on globalThis under HOT_REPORT_KEY; `hot.send` events and the reason of a reload
// go through it to the server's report route (the terminal prints the reload reason).
import { HOT_RELOAD_EVENT, HOT_REPORT_KEY } from '../../src/protocol.js';

export type HotReport =
  | { kind: 'full-reload'; reason: string }
  | { kind: 'hmr-error'; path: string; message: string }
  | { kind: 'custom'; event: string; data: unknown };

type Sender = (event: string, data: unknown) => void;

export function reportToServer(report: HotReport): void {
  const send = (globalThis as Record<string, unknown>)[HOT_REPORT_KEY] as Sender | undefined;
  if (!send) return; // a page without the client (a pasted snippet elsewhere): the console has it
  try {
    if (report.kind === 'custom') send(report.event, report.data);
    else if (report.kind === 'full-reload') send(HOT_RELOAD_EVENT, { reason: report.reason });
    // hmr-error: the page's own error reporting carries the thrown error already.
  } catch {
    // Reporting is best effort: the page's console already has the message.
  }
}
