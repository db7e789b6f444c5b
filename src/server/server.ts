import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Builder } from '../build/builder.js';
import { ASSET_PREFIX, entryStylesheetTag } from '../build/outputs.js';
import { Channel } from '../channel/channel.js';
import type { ChannelStats } from '../channel/hub.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { CURSOR_PARAM, ROUTE_PREFIX, TOKEN_PARAM } from '../protocol.js';
import { startWatcher, type Watcher } from '../watch/watcher.js';
import { loadClientBundle } from './client-bundle.js';
import { Guard } from './guard.js';
import { injectTag } from './inject.js';
import { listen } from './listen.js';
import { decodeTargetPath, FileAccess } from './paths.js';
import { Pipeline } from './pipeline.js';
import { sendJson, sendText } from './respond.js';
import { serveStatic } from './static.js';
import { statusReport } from './timing.js';

export interface DevServer {
  /** `http://localhost:PORT/` (or the configured host). */
  readonly url: string;
  readonly port: number;
  readonly config: ResolvedConfig;
  /** Resolves when the watcher has finished its first scan. */
  readonly watching: Promise<void>;
  /** Tells every open page to reload. */
  reload(reason?: string): void;
  /** Sends a `custom` message to every open page (`devpush:custom` event in the browser). */
  send(event: string, data?: unknown): void;
  stats(): ChannelStats;
  close(): Promise<void>;
}

const LOOPBACK_DEFAULT = 'localhost';

/** Starts the HTTP server, channel, builder and watcher for a resolved config. */
export async function startDevServer(config: ResolvedConfig, log: Logger): Promise<DevServer> {
  const token = randomBytes(18).toString('base64url');
  const { server: options } = config;
  const guard = new Guard({
    boundHost: options.host,
    allowedHosts: options.allowedHosts,
    corsOrigins: options.corsOrigins,
    token,
  });
  const channel = new Channel({
    transports: config.channel.transports,
    heartbeatMs: config.channel.heartbeatMs,
    ring: { maxMessages: config.channel.ringMaxMessages, maxAgeMs: config.channel.ringMaxAgeMs },
    maxBufferedBytes: 1 << 20,
    maxPayload: 16 * 1024,
    authorize: (req, url) => {
      const origin = req.headers.origin;
      if (origin !== undefined && !guard.originAllowed(origin, req.headers.host)) {
        return { status: 403, reason: 'Refused: this page\'s origin may not use the channel (see server.cors.origins).' };
      }
      if (!guard.tokenMatches(url.searchParams.get(TOKEN_PARAM))) {
        return { status: 403, reason: 'Refused: missing or wrong channel token. Reload the page.' };
      }
      return null;
    },
  });
  const hub = channel.hub;
  const clientBundle = loadClientBundle({ token, transports: channel.offered, heartbeatMs: config.channel.heartbeatMs });
  const access = new FileAccess({ root: config.root, allow: options.fsAllow, deny: options.fsDeny });
  const builder: Builder = new Builder({
    root: config.root,
    settings: config.build,
    resolveFile: async (urlPath) => {
      const found = await access.resolve(urlPath);
      return 'file' in found ? found.file : null;
    },
    onBuilt: (effect) => pipeline.entryBuilt(effect),
    onDropped: (entry) => pipeline.entryDropped(entry),
  });
  const pipeline = new Pipeline(config.root, builder, hub, log);

  const injectClient = (html: string, urlPath: string) => {
    const entryStyles = builder.discover(html, urlPath).map(entryStylesheetTag).join('');
    return injectTag(html, `${entryStyles}<script type="module" src="${ROUTE_PREFIX}client.js?${CURSOR_PARAM}=${hub.currentId}"></script>`);
  };

  /** Cross-origin reads of the client and channel are allowed for listed (default: localhost) origins only. */
  function corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin || !guard.originAllowed(origin, req.headers.host)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  async function handleDevpushRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = url.pathname.slice(ROUTE_PREFIX.length);
    if (route === 'client.js') {
      res.writeHead(200, {
        ...corsHeaders(req),
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Length': clientBundle.length,
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : clientBundle);
    } else if (route === 'status') {
      sendJson(res, statusReport({ ...hub.stats(), build: builder.stats() }, pipeline.timings.list()));
    } else if (`${ROUTE_PREFIX}${route}`.startsWith(ASSET_PREFIX)) {
      if (!(await handleBuildOutput(res, url.pathname, req))) sendText(res, 404, 'No such build output (it may be from an older build: reload the page).');
    } else {
      for (const [name, value] of Object.entries(corsHeaders(req))) res.setHeader(name, value);
      if (!channel.handleRequest(req, res, url)) sendText(res, 404, 'No such devpush route.');
    }
  }

  /** Entries and what they import are served from the builder's memory, never from the folder. */
  async function handleBuildOutput(res: ServerResponse, pathname: string, req: IncomingMessage): Promise<boolean> {
    const output = await builder.output(pathname);
    if (!output) return false;
    const body = output.body();
    res.writeHead(200, { 'Content-Type': output.type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!guard.hostAllowed(req.headers.host)) {
      sendText(res, 403, 'Refused: unknown Host header. Add the name to server.allowedHosts to allow it.');
      return;
    }
    if (guard.isCrossSiteEmbed(req)) {
      sendText(res, 403, 'Refused: cross-site embedding of dev server files.');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Only GET and HEAD are served.', { Allow: 'GET, HEAD' });
      return;
    }
    const decoded = decodeTargetPath(req.url ?? '/');
    if ('status' in decoded) {
      sendText(res, decoded.status, decoded.reason);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://devpush.invalid');
    if (decoded.pathname.startsWith(ROUTE_PREFIX) || decoded.pathname === ROUTE_PREFIX.slice(0, -1)) {
      await handleDevpushRoute(req, res, url);
      return;
    }
    if (await handleBuildOutput(res, decoded.pathname, req)) return;
    await serveStatic(req, res, decoded.pathname, access, injectClient);
  }

  const http = createHttpServer({ maxHeaderSize: 16 * 1024, headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The browser gets one short line; the terminal gets the details.
      log.error(`devpush: error answering ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      sendText(res, 500, 'Internal error in devpush; details are in its terminal.');
    });
  });
  http.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://devpush.invalid');
    if (!guard.hostAllowed(req.headers.host)) {
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    channel.handleUpgrade(req, socket, head, url);
  });

  const bindHost = options.host === LOOPBACK_DEFAULT ? '127.0.0.1' : options.host;
  const port = await listen(http, bindHost, options.port, options.strictPort, (from, to) =>
    log.info(`Port ${from} is in use; using ${to} instead.`),
  );
  const shownHost = options.host === LOOPBACK_DEFAULT || options.host === '127.0.0.1' ? 'localhost' : options.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`;

  let watcher: Watcher | null = startWatcher({
    root: config.root,
    paths: config.watch.paths,
    ignore: config.watch.ignore,
    usePolling: config.watch.usePolling === true,
    interval: config.watch.interval,
    onChange: (changes) => void pipeline.handle(changes),
    onError: (error) => log.warn(`watcher: ${error.message}`),
  });

  // Declared entries are built now, so their first request does not wait for esbuild.
  void builder.start().then((missing) => {
    for (const url of missing) log.warn(`build.entries: "${url}" names no file that can be served from ${config.root}; check the path.`);
  });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    watching: watcher.ready,
    reload(reason = 'requested by the API') {
      hub.publish({ kind: 'reload', reason, paths: [] });
    },
    send(event, data = null) {
      hub.publish({ kind: 'custom', event, data });
    },
    stats: () => hub.stats(),
    close() {
      closing ??= (async () => {
        channel.close();
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await Promise.all([watcher?.close(), builder.close(), closed]);
        watcher = null;
      })();
      return closing;
    },
  };
}
