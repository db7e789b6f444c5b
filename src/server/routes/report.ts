import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from './route.js';

/** The report route's own handler (src/report/route.ts), which does its own checks and body reading. */
export type ReportHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** `POST /__devpush/report`; the one route that reads a body. */
export function reportRoute(handle: ReportHandler): Handler {
  return async ({ req, res, url }) => {
    await handle(req, res, url);
    return true;
  };
}
