import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PageReport } from '../protocol.js';
import { REPORT_MAX_BYTES } from '../protocol.js';
import type { Refusal } from '../server/guard.js';
import { sendText } from '../server/respond.js';
import type { ClientDirectory } from '../status/clients.js';
import type { PageEvents } from './events.js';
import type { PageErrorPrinter } from './page-errors.js';
import { parseReport } from './parse.js';
import { RateLimiter } from './rate-limit.js';

export interface ReportRouteOptions {
  /** Origin and token, as for the channel's rungs (Host was checked for every request already). */
  authorize(req: IncomingMessage, url: URL): Refusal | null;
  corsHeaders(req: IncomingMessage): Record<string, string>;
  directory: ClientDirectory;
  printer: PageErrorPrinter;
  events: PageEvents;
}

const BODY_TYPES = /^(text\/plain|application\/json)\s*(;|$)/i;

/**
 * `POST /__devpush/report`: what a page tells the server (errors, `hot.send` events, presence). Requests
 * are limited per address and per page before their body is read, errors per page again before they are
 * mapped and printed, so a page throwing in a loop costs the server a few cheap answers a second.
 */
export function createReportRoute(options: ReportRouteOptions) {
  // Every tab on this machine shares one address: this bound only stops a hostile script, never a page.
  const perPeer = new RateLimiter(2000, 1000);
  const perPage = new RateLimiter(40, 10);
  const errorsPerPage = new RateLimiter(20, 2);

  function process(report: PageReport, req: IncomingMessage): void {
    const { page } = report;
    options.directory.presence(page, req.headers['user-agent'] ?? '');
    let dropped = 0;
    for (const item of report.items) {
      switch (item.type) {
        case 'error':
          if (errorsPerPage.take(page.id)) options.printer.report(page.url, item);
          else dropped += item.count;
          break;
        case 'dropped':
          dropped += item.count;
          break;
        case 'event':
          options.events.emit(item.event, item.data, { page: { id: page.id, url: page.url, title: page.title } });
          break;
        case 'closed':
          options.directory.closed(page.id);
          break;
        case 'presence':
          break;
        default:
          item satisfies never;
      }
    }
    if (dropped > 0) options.printer.droppedFrom(page.url, dropped);
  }

  return async function handleReport(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') {
      sendText(res, 405, 'Reports are sent with POST.', { Allow: 'POST' });
      return;
    }
    const refusal = options.authorize(req, url);
    if (refusal) {
      sendText(res, refusal.status, refusal.reason);
      return;
    }
    if (!BODY_TYPES.test(req.headers['content-type'] ?? '')) {
      sendText(res, 415, 'Reports are JSON, sent as text/plain or application/json.');
      return;
    }
    if (!perPeer.take(req.socket.remoteAddress ?? 'unknown')) {
      sendText(res, 429, 'Too many reports; wait a moment.', { 'Retry-After': '1' });
      return;
    }
    const body = await readBody(req, REPORT_MAX_BYTES);
    if (body === null) {
      sendText(res, 413, `Refused: a report is at most ${REPORT_MAX_BYTES} bytes.`);
      return;
    }
    const report = parseReport(body);
    if (!report) {
      sendText(res, 400, 'Not a devpush report.');
      return;
    }
    if (!perPage.take(report.page.id)) {
      sendText(res, 429, 'Too many reports from this page; wait a moment.', { 'Retry-After': '1' });
      return;
    }
    process(report, req);
    res.writeHead(204, { ...options.corsHeaders(req), 'Cache-Control': 'no-store' });
    res.end();
  };
}

/** The body as text, or null once it passes `max` bytes (then nothing more is read). */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
