import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Channel } from '../channel/channel.js';
import type { ResolvedConfig } from '../config/types.js';
import { refuseSocket } from '../http/raw-response.js';
import type { Logger } from '../log.js';
import { limitConnections } from './connections.js';
import type { Guard } from './guard.js';
import { answerClientError, bodyRefusal, FORWARDING_SERVER_OPTIONS, HTTP_SERVER_OPTIONS, hasBody } from './limits.js';
import { listen } from './listen.js';
import { parseTarget } from './paths.js';
import { sendText } from './respond.js';
import { createTlsServer, type TlsFiles } from './https.js';
import { dispatch, type Route } from './routes/route.js';
import { routePath } from '../protocol.js';
import type { Target } from './paths.js';

/**
 * Requests that go to another server (`server.proxy` rules; proxy mode's backend for methods other than
 * GET and HEAD): asked right after the Host, Origin and target checks, before devpush's own GET/HEAD-only
 * and no-body rules, which are the backend's business. True when the request was handed over.
 */
export interface Forwarding {
  request(req: IncomingMessage, res: ServerResponse, target: Target): boolean;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: Target): boolean;
}

export interface ServerExtras {
  /** HTTPS (HTTP/2 with HTTP/1.1 by ALPN), or null for plain HTTP. */
  tls: TlsFiles | null;
  forwarding: Forwarding | null;
}

/**
 * On every answer devpush gives itself, refusals included (proxied answers are the backend's): a foreign
 * page's no-cors fetch or embed gets a network error rather than an opaque answer, whatever the status.
 */
const OWN_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The HTTP server in front of the route table: every request and upgrade passes the same Host, Origin,
 * body and target checks before any route sees it; only GET and HEAD reach the routes.
 */
export function createHttpServer(
  routes: readonly Route[],
  guard: Guard,
  channel: Channel,
  log: Logger,
  { tls, forwarding }: ServerExtras,
): { http: Server; closeAll(): void } {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseTarget(req.url ?? '/');
    const refusal = guard.refusal(req) ?? ('status' in target ? target : null);
    if (refusal || 'status' in target) {
      return sendText(res, refusal?.status ?? 400, refusal?.reason ?? 'Bad target.', OWN_ANSWER_HEADERS);
    }
    if (forwarding?.request(req, res, target)) return;
    for (const [name, value] of Object.entries(OWN_ANSWER_HEADERS)) res.setHeader(name, value);
    // devpush never reads a body, so it never drains one either: the connection ends with this answer.
    if (hasBody(req)) res.shouldKeepAlive = false;
    const bodyRefused = bodyRefusal(req);
    if (bodyRefused) return sendText(res, bodyRefused.status, bodyRefused.reason);
    // The report route is the one that takes a body (and reads it itself, capped).
    const isReport = req.method === 'POST' && req.url?.split('?')[0] === routePath('report');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isReport) {
      return sendText(res, 405, 'Only GET and HEAD are served.', { Allow: 'GET, HEAD' });
    }
    if (!(await dispatch(routes, { req, res, target, url: target.url, pathname: target.pathname })))
      sendText(res, 404, 'Not found.');
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // The browser gets one short line; the terminal gets the details.
      log.error(`devpush: error answering ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      sendText(res, 500, 'Internal error in devpush; details are in its terminal.');
    });
  };
  const serverOptions = forwarding ? FORWARDING_SERVER_OPTIONS : HTTP_SERVER_OPTIONS;
  const plain = tls ? null : createServer(serverOptions, onRequest);
  const secure = tls ? createTlsServer(tls, serverOptions, onRequest) : null;
  const http: Server = plain ?? secure!.server;
  http.on('clientError', answerClientError);
  // Upgrades pass the same checks as every request, and are refused before any 101 is sent.
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = parseTarget(req.url ?? '/');
    const refusal = guard.refusal(req) ?? bodyRefusal(req) ?? ('status' in target ? target : null);
    if (refusal || 'status' in target) {
      refuseSocket(socket, refusal?.status ?? 400, refusal?.reason ?? 'Bad request target.');
      return;
    }
    // The app's own sockets (a `ws` rule's, or the backend's in proxy mode) pass through untouched.
    if (forwarding?.upgrade(req, socket, head, target)) return;
    channel.handleUpgrade(req, socket, head, target.url);
  });
  return { http, closeAll: () => (plain ? plain.closeAllConnections() : secure!.closeAll()) };
}

const LOOPBACK_DEFAULT = 'localhost';

/** Caps connections, listens (moving to a free port unless strict) and returns the URL to show the user. */
export async function listenOn(
  http: Server,
  options: ResolvedConfig['server'],
  log: Logger,
  scheme: 'http' | 'https' = 'http',
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
  return { port, url: `${scheme}://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/` };
}
