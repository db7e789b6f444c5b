import type { Logger } from '../log.js';
import type { ClientDirectory } from '../status/clients.js';
import { PageEvents } from './events.js';
import { PageErrorPrinter } from './page-errors.js';
import { createReportRoute, type ReportRouteOptions } from './route.js';
import { StackMapper, type ServedReader } from './trace.js';

export interface ReportingOptions extends Pick<ReportRouteOptions, 'authorize' | 'corsHeaders'> {
  log: Logger;
  directory: ClientDirectory;
  read: ServedReader;
  /** Whether a frame's `host:port` is this server (only those frames are mapped). */
  isOwnHost(host: string): boolean;
}

/** The upstream path: the report route, browser errors mapped and printed, events for `server.on`. */
export function createReporting(options: ReportingOptions) {
  const mapper = new StackMapper(options.read, options.isOwnHost);
  const printer = new PageErrorPrinter(options.log, mapper);
  const events = new PageEvents((event, error) =>
    options.log.error(`devpush: a server.on("${event}") handler threw: ${(error as Error).stack ?? String(error)}`),
  );
  const handle = createReportRoute({ ...options, printer, events });
  return {
    events,
    handle,
    /** Source maps may have changed (a rebuild): map from fresh ones. */
    filesChanged: () => mapper.clear(),
    close: () => printer.close(),
  };
}
