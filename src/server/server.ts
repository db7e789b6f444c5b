import { randomBytes } from 'node:crypto';
import { Builder } from '../bundle/builder.js';
import { entryStylesheetTag } from '../bundle/outputs.js';
import { Channel } from '../channel/channel.js';
import { ProjectEnv } from '../config/env.js';
import { createModules } from '../modules/index.js';
import { HOT_RELOAD_EVENT, HOT_WARNING_EVENT } from '../protocol.js';
import { terminalSafe } from '../report/terminal-text.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { BOOT_PARAM, type ChannelStats, CURSOR_ATTRIBUTE, routePath, TOKEN_PARAM } from '../protocol.js';
import { startWatcher, type Watcher } from '../watch/watcher.js';
import { loadClientBundle } from './client-bundle.js';
import { exposureWarning } from './exposure.js';
import { Guard } from './guard.js';
import { createHttpServer, listenOn } from './http.js';
import { certificateNames, loadTls, trustHint } from './https.js';
import { NO_NONCES, type PageNonces, styleNonceMeta } from '../proxy/nonces.js';
import { DevpushError } from '../errors.js';
import { injectTag } from './inject.js';
import { SiteAccess } from './lookup.js';
import { FileAccess } from './paths.js';
import { Pipeline } from './pipeline.js';
import { routeTable } from './route-table.js';
import { isConfigPath } from '../config/load.js';
import type { HubObserver } from '../channel/hub.js';
import type { EventHandler } from '../report/events.js';
import { createReporting } from '../report/reporting.js';
import { servedReader } from '../report/served.js';
import { createAudience } from '../status/audience.js';
import type { Refusal } from './guard.js';
import type { IncomingMessage } from 'node:http';

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
  /** Hears `import.meta.hot.send(event, data)` from pages: `handler(data, { page })`. */
  on(event: string, handler: EventHandler): void;
  off(event: string, handler: EventHandler): void;
  stats(): ChannelStats;
  close(): Promise<void>;
}

/**
 * The server's rules for the channel and the report route: Origin again (so it never depends on check
 * order), then the token. A page has the token only if we served it its client.
 */
function clientAuthorizer(guard: Guard) {
  return (req: IncomingMessage, url: URL): Refusal | null => {
    const origin = req.headers.origin;
    const foreign = origin !== undefined && !guard.originAllowed(origin, req.headers.host);
    // Marked cross-site by the browser: only an allowed Origin opens the channel, whatever the token.
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
  };
}

function createChannel(config: ResolvedConfig, guard: Guard, observer: HubObserver): Channel {
  return new Channel({
    transports: config.channel.transports,
    heartbeatMs: config.channel.heartbeatMs,
    ring: { maxMessages: config.channel.ringMaxMessages, maxAgeMs: config.channel.ringMaxAgeMs },
    maxBufferedBytes: 1 << 20,
    maxPayload: 16 * 1024,
    authorize: clientAuthorizer(guard),
    observer,
  });
}

/**
 * The composition root: makes the guard, channel, builder, pipeline and watcher, hands them to the
 * route table, and starts listening.
 */
export async function startDevServer(config: ResolvedConfig, log: Logger): Promise<DevServer> {
  const token = randomBytes(18).toString('base64url');
  const { server: options } = config;
  const guard = new Guard({
    boundHost: options.host,
    allowedHosts: options.allowedHosts,
    corsOrigins: options.corsOrigins,
    token,
  });
  const audience = createAudience(config.channel.heartbeatMs);
  const channel = createChannel(config, guard, audience.directory);
  const hub = channel.hub;
  const tls = options.https ? await loadTls(options.https, certificateNames(options)) : null;
  // Over HTTPS (HTTP/2) every tab holds its own channel stream: the relay between tabs is off.
  const clientConfig = {
    token,
    transports: channel.offered,
    heartbeatMs: config.channel.heartbeatMs,
    tabRelay: tls === null,
    forwardConsole: config.client.forwardConsole,
  };
  const access = new FileAccess({ root: config.root, allow: options.fsAllow, deny: options.fsDeny });
  const env = new ProjectEnv(config.root, config.envPrefix, (problem) => log.warn(problem));
  const lookup = {
    appType: config.appType,
    publicAccess: config.publicDir ? new FileAccess({ root: config.publicDir, allow: [], deny: options.fsDeny }) : null,
  };
  const builder = new Builder({
    root: config.root,
    settings: config.build,
    env: () => env.current,
    resolveFile: async (urlPath) => {
      const found = await access.resolve(urlPath);
      return 'file' in found ? found.file : null;
    },
  });
  // Module scripts are served module by module with HMR, unless the config asks for the bundled path.
  const modules = config.build.bundle
    ? null
    : createModules(
        config,
        new SiteAccess({ root: config.root, allow: options.fsAllow, deny: options.fsDeny }, lookup.publicAccess),
        (url, problems) => pipeline.moduleProblems(url, problems),
        (message) => log.warn(message),
      );
  const pipeline = new Pipeline(
    config.root,
    builder,
    hub,
    log,
    (summary) => {
      audience.changes.add(summary);
      reporting.filesChanged();
    },
    (file) => isConfigPath(file, config.root, config.configFile),
    modules?.server ?? null,
    config.publicDir,
  );
  builder.setListener(pipeline);
  let watcher: Watcher | null = null;

  /** The tags a page gets: its entries' stylesheets and the client (with the page's CSP nonce, if any). */
  const clientTag = (html: string, urlPath: string, nonces: PageNonces = NO_NONCES) => {
    channel.warmUp();
    // With modules one by one, entry stylesheets are the modules' own business (no bundle to link).
    const entryStyles = modules
      ? ''
      : builder
          .discover(html, urlPath)
          .map((url) => entryStylesheetTag(url, nonces.style))
          .join('');
    const nonceAttribute = nonces.script ? ` nonce="${nonces.script}"` : '';
    const client = `<script type="module"${nonceAttribute} src="${routePath('client')}?${BOOT_PARAM}=${hub.bootId}" ${CURSOR_ATTRIBUTE}="${hub.currentId}"></script>`;
    return `${styleNonceMeta(nonces.style)}${entryStyles}${client}`;
  };
  // A page of the folder also gets modulepreload links for its modules' whole static graph.
  const injectClient = async (html: string, urlPath: string) =>
    injectTag(html, `${modules ? await modules.responder.preloadTags(html, urlPath) : ''}${clientTag(html, urlPath)}`);
  // The proxy (http-proxy-3 and its agents) is loaded only when the config asks for one: an idle static
  // server does not pay for it at start or in memory.
  const proxying = options.backend || options.proxy.length ? await import('../proxy/forward.js') : null;
  const forwarder = proxying
    ? new proxying.Forwarder({
        backend: options.backend,
        rules: options.proxy,
        scheme: tls ? 'https' : 'http',
        clientTag,
        log,
      })
    : null;
  // Cross-origin reads of the client and channel are allowed for listed (default: localhost) origins only.
  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || !guard.originAllowed(origin, req.headers.host)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  };
  let port = 0;
  const reporting = createReporting({
    log,
    authorize: clientAuthorizer(guard),
    corsHeaders,
    directory: audience.directory,
    read: servedReader(builder, access, modules?.responder ?? null),
    // Only frames of this server's own URLs are mapped (a snippet page's scripts are another server's).
    isOwnHost: (host) => guard.hostAllowed(host) && Number(/:(\d+)$/.exec(host)?.[1] ?? 80) === port,
  });
  // A page that found no HMR boundary says why before it reloads; the terminal shows it once per page.
  reporting.events.on(HOT_RELOAD_EVENT, (data, sender) => {
    const reason = (data as { reason?: unknown } | null)?.reason;
    if (typeof reason === 'string')
      log.info(terminalSafe(`full reload of ${sender.page.url || 'a page'}: ${reason.slice(0, 300)}`));
  });
  // A warning the page's console shows (a CSS module class it lacks) goes to the terminal too.
  reporting.events.on(HOT_WARNING_EVENT, (data, sender) => {
    const message = (data as { message?: unknown } | null)?.message;
    if (typeof message === 'string') log.warn(terminalSafe(`${sender.page.url || 'a page'}: ${message.slice(0, 300)}`));
  });
  const routes = routeTable({
    channel,
    builder,
    access,
    lookup,
    env: () => env.current,
    status: {
      hub,
      build: () => builder.stats(),
      watch: () => watcher?.stats() ?? null,
      timings: pipeline.timings,
      audience: () => audience.snapshot(),
    },
    report: reporting.handle,
    clientBundle: loadClientBundle(clientConfig),
    statusBundle: loadClientBundle(clientConfig, 'status.js'),
    corsHeaders: ({ req }) => corsHeaders(req),
    injectClient,
    backend: forwarder?.backendRoute() ?? null,
    modules,
  });

  const { http, closeAll } = createHttpServer(routes, guard, channel, log, {
    tls,
    forwarding: forwarder?.forwarding() ?? null,
  });
  const listening = await listenOn(http, options, log, tls ? 'https' : 'http');
  port = listening.port;
  const { url } = listening;
  if (options.backend && proxying?.pointsAtSelf(options.backend.target, port)) {
    http.close();
    throw new DevpushError(
      `server.backend ${options.backend.target} is devpush itself (port ${port}): proxying would loop. Start the backend on its own port, or give devpush another --port.`,
    );
  }
  for (const notice of config.notices) log.info(notice);
  const warning = exposureWarning(options.host, port, config.root);
  if (warning) log.warn(warning);
  if (tls && !tls.generated && options.https?.cert) log.info(`HTTPS with ${tls.certFile}.`);
  else if (tls) {
    const made = tls.generated ? 'made a local certificate' : 'reusing the local certificate';
    log.info(`HTTPS: ${made} at ${tls.certFile}. Browsers warn until you trust it: ${trustHint(tls.certFile)}`);
  }
  if (options.backend) log.info(`Proxying every other request to ${options.backend.target}.`);

  watcher = startWatcher({
    root: config.root,
    paths: config.watch.paths,
    ignore: config.watch.ignore,
    usePolling: config.watch.usePolling,
    interval: config.watch.interval,
    onChange: (changes) => {
      // Before the change set's reload goes out, so the reloaded page gets the new values.
      if ([...changes.keys()].some((file) => env.isEnvFile(file)) && env.reload()) void builder.dropAll();
      void pipeline.handle(changes);
    },
    onProblem: (message) => log.warn(message),
    onNotice: (message) => log.info(message),
  });

  // Declared entries are built now, so their first request does not wait for esbuild.
  if (!modules)
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
    on: (event, handler) => reporting.events.on(event, handler),
    off: (event, handler) => reporting.events.off(event, handler),
    stats: () => hub.stats(),
    close() {
      closing ??= (async () => {
        channel.close();
        forwarder?.close();
        reporting.close();
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        closeAll();
        await Promise.all([watcher?.close(), builder.close(), closed]);
        watcher = null;
      })();
      return closing;
    },
  };
}
