import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Channel } from '../channel/channel.js';
import type { ResolvedConfig } from '../config/types.js';
import { refuseSocket } from '../http/raw-response.js';
import type { Logger } from '../log.js';
import { limitConnections } from './connections.js';
import type { Guard } from './guard.js';
import { answerClientError, bodyRefusal, HTTP_SERVER_OPTIONS, hasBody } from './limits.js';
import { listen } from './listen.js';
import { parseTarget } from './paths.js';
import { sendText } from './respond.js';
import { dispatch, type Route } from './routes/route.js';
import { routePath } from '../protocol.js';

/**
 * The HTTP server in front of the route table: every request and upgrade passes the same Host, Origin,
 * body and target checks before any route sees it; only GET and HEAD reach the routes.
 */
export function createHttpServer(routes: readonly Route[], guard: Guard, channel: Channel, log: Logger): Server {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // devpush never reads a body, so it never drains one either: the connection ends with this answer.
    if (hasBody(req)) res.shouldKeepAlive = false;
    const refusal = guard.refusal(req) ?? bodyRefusal(req);
    if (refusal) return sendText(res, refusal.status, refusal.reason);
    // The report route is the one that takes a body (and reads it itself, capped).
    const isReport = req.method === 'POST' && req.url?.split('?')[0] === routePath('report');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isReport) {
      return sendText(res, 405, 'Only GET and HEAD are served.', { Allow: 'GET, HEAD' });
    }
    const target = parseTarget(req.url ?? '/');
    if ('status' in target) return sendText(res, target.status, target.reason);
    if (!(await dispatch(routes, { req, res, target, url: target.url, pathname: target.pathname })))
      sendText(res, 404, 'Not found.');
  }

  const http = createServer(HTTP_SERVER_OPTIONS, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The browser gets one short line; the terminal gets the details.
      log.error(`devpush: error answering ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      sendText(res, 500, 'Internal error in devpush; details are in its terminal.');
    });
  });
  http.on('clientError', answerClientError);
  // Upgrades pass the same checks as every request, and are refused before any 101 is sent.
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = parseTarget(req.url ?? '/');
    const refusal = guard.refusal(req) ?? bodyRefusal(req) ?? ('status' in target ? target : null);
    if (refusal || 'status' in target) {
      refuseSocket(socket, refusal?.status ?? 400, refusal?.reason ?? 'Bad request target.');
      return;
    }
    channel.handleUpgrade(req, socket, head, target.url);
  });
  return http;
}

const LOOPBACK_DEFAULT = 'localhost';

/** Caps connections, listens (moving to a free port unless strict) and returns the URL to show the user. */
export async function listenOn(
  http: Server,
  options: ResolvedConfig['server'],
  log: Logger,
): Promise<{ port: number; url: string }> {
  limitConnections(http, { perPeer: options.maxConnectionsPerPeer, total: options.maxConnections });
  const bindHost = options.host === LOOPBACK_DEFAULT ? '127.0.0.1' : options.host;
  const port = await listen(http, bindHost, options.port, options.strictPort, (from, to) =>
    log.info(`Port ${from} is in use; using ${to} instead.`),
  );
  // A server on every interface answers on this machine as localhost (0.0.0.0 is no address to visit).
  const shownHost = [LOOPBACK_DEFAULT, '127.0.0.1', '0.0.0.0', '::', '[::]'].includes(options.host)
    ? 'localhost'
    : options.host;
  return { port, url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/` };
}
