// The seam between the hot runtime and the dev server's terminal. The `terminal` helper's report route
// (a POST under /__devpush/, with the channel's checks) will carry these; until then they go to the
// console only, and the server logs what it can see itself (reloads it caused, transform errors).

export type HotReport =
  | { kind: 'full-reload'; reason: string }
  | { kind: 'hmr-error'; path: string; message: string }
  | { kind: 'custom'; event: string; data: unknown };

/** Replaced by the report route's sender when it exists; must never throw. */
let sink: (report: HotReport) => void = () => {};

export function setReportSink(next: (report: HotReport) => void): void {
  sink = next;
}

export function reportToServer(report: HotReport): void {
  try {
    sink(report);
  } catch {
    // Reporting is best effort: the page's own console already has the message.
  }
}
