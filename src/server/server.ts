import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Builder } from '../bundle/builder.js';
import { ASSET_PREFIX, entryStylesheetTag } from '../bundle/outputs.js';
import { Channel } from '../channel/channel.js';
import type { ChannelStats } from '../channel/hub.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { BOOT_PARAM, CURSOR_ATTRIBUTE, ROUTE_PREFIX, TOKEN_PARAM } from '../protocol.js';
import { startWatcher, type Watcher } from '../watch/watcher.js';
import { loadClientBundle } from './client-bundle.js';
import { limitConnections } from './connections.js';
import { exposureWarning } from './exposure.js';
import { Guard } from './guard.js';
import { injectTag } from './inject.js';
import { answerClientError, bodyRefusal, hasBody, HTTP_SERVER_OPTIONS, refuseSocket } from './limits.js';
import { listen } from './listen.js';
import { FileAccess, parseTarget } from './paths.js';
import { Pipeline } from './pipeline.js';
import { sendJson, sendText } from './respond.js';
import { statusPageHtml } from './status-page.js';
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
    // guard.refusal already ran for every request; Origin is checked again here so the channel never
    // depends on the order of the pipeline. A page has the token only if we served it its client.
    authorize: (req, url) => {
      const origin = req.headers.origin;
      const foreign = origin !== undefined && !guard.originAllowed(origin, req.headers.host);
      if (foreign || guard.isCrossSiteWithoutAllowedOrigin(req)) {
        return {
          status: 403,
          reason: "Refused: this page's origin may not use the channel (see server.cors.origins).",
        };
      }
      if (!guard.tokenMatches(url.searchParams.get(TOKEN_PARAM))) {
        // 401, not 403: a stale token is how a page learns the server restarted (403 is a refused origin).
        return { status: 401, reason: 'Refused: missing or stale channel token. Reload the page.' };
      }
      return null;
    },
  });
  const hub = channel.hub;
  const clientConfig = { token, transports: channel.offered, heartbeatMs: config.channel.heartbeatMs };
  const clientBundle = loadClientBundle(clientConfig);
  const statusBundle = loadClientBundle(clientConfig, 'status.js');
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
    channel.warmUp();
    const entryStyles = builder.discover(html, urlPath).map(entryStylesheetTag).join('');
    const client = `<script type="module" src="${ROUTE_PREFIX}client.js?${BOOT_PARAM}=${hub.bootId}" ${CURSOR_ATTRIBUTE}="${hub.currentId}"></script>`;
    return injectTag(html, `${entryStyles}${client}`);
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
        // Its bytes are fixed for a run: the URL the pages get (naming this run) is cached for good.
        'Cache-Control': url.searchParams.get(BOOT_PARAM) === hub.bootId ? 'max-age=31536000, immutable' : 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : clientBundle);
    } else if (route === 'status.js') {
      res.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Content-Length': statusBundle.length,
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : statusBundle);
    } else if (route === '') {
      const html = statusPageHtml(hub.currentId);
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(html),
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
    } else if (route === 'status') {
      sendJson(
        res,
        statusReport(
          { ...hub.stats(), build: builder.stats(), watch: watcher?.stats() ?? null },
          pipeline.timings.list(),
        ),
      );
    } else if (`${ROUTE_PREFIX}${route}`.startsWith(ASSET_PREFIX)) {
      if (!(await handleBuildOutput(res, url.pathname, req)))
        sendText(res, 404, 'No such build output (it may be from an older build: reload the page).');
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
    // devpush never reads a body, so it never drains one either: the connection ends with this answer.
    if (hasBody(req)) res.shouldKeepAlive = false;
    const refusal = guard.refusal(req) ?? bodyRefusal(req);
    if (refusal) {
      sendText(res, refusal.status, refusal.reason);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Only GET and HEAD are served.', { Allow: 'GET, HEAD' });
      return;
    }
    const target = parseTarget(req.url ?? '/');
    if ('status' in target) {
      sendText(res, target.status, target.reason);
      return;
    }
    if (target.pathname.startsWith(ROUTE_PREFIX) || target.pathname === ROUTE_PREFIX.slice(0, -1)) {
      await handleDevpushRoute(req, res, target.url);
      return;
    }
    if (await handleBuildOutput(res, target.pathname, req)) return;
    await serveStatic(req, res, target, access, injectClient);
  }

  const http = createHttpServer(HTTP_SERVER_OPTIONS, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The browser gets one short line; the terminal gets the details.
      log.error(`devpush: error answering ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      sendText(res, 500, 'Internal error in devpush; details are in its terminal.');
    });
  });
  limitConnections(http, { perPeer: options.maxConnectionsPerPeer, total: options.maxConnections });
  http.on('clientError', answerClientError);
  // Upgrades pass the same checks as every request, and are refused before any 101 is sent.
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = parseTarget(req.url ?? '/');
    const refusal = guard.refusal(req) ?? bodyRefusal(req) ?? ('status' in target ? target : null);
    if (refusal || 'status' in target) {
      refuseSocket(socket, refusal ?? { status: 400, reason: 'Bad request target.' });
      return;
    }
    channel.handleUpgrade(req, socket, head, target.url);
  });

  const bindHost = options.host === LOOPBACK_DEFAULT ? '127.0.0.1' : options.host;
  const port = await listen(http, bindHost, options.port, options.strictPort, (from, to) =>
    log.info(`Port ${from} is in use; using ${to} instead.`),
  );
  const warning = exposureWarning(options.host, port, config.root);
  if (warning) log.warn(warning);
  const shownHost = options.host === LOOPBACK_DEFAULT || options.host === '127.0.0.1' ? 'localhost' : options.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`;

  let watcher: Watcher | null = startWatcher({
    root: config.root,
    paths: config.watch.paths,
    ignore: config.watch.ignore,
    usePolling: config.watch.usePolling,
    interval: config.watch.interval,
    onChange: (changes) => void pipeline.handle(changes),
    onProblem: (message) => log.warn(message),
    onNotice: (message) => log.info(message),
  });

  // Declared entries are built now, so their first request does not wait for esbuild.
  void builder.start().then((missing) => {
    for (const url of missing)
      log.warn(`build.entries: "${url}" names no file that can be served from ${config.root}; check the path.`);
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
