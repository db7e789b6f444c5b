// The push channel's wire protocol, shared by the server (src/) and the browser client (client/).
// Types and constants only: the client bundle imports this file, so it must not pull in Node code.

/** Every devpush route lives under this prefix; user files there are never served. */
export const ROUTE_PREFIX = '/__devpush/';

/** The rungs of the transport ladder, best first. */
export const TRANSPORT_NAMES = ['websocket', 'sse', 'stream', 'poll'] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/** Query parameter carrying the per-run token on every channel request. */
export const TOKEN_PARAM = 't';
/** Query parameter carrying the client's cursor (`bootId.seq` of the last message it applied). */
export const CURSOR_PARAM = 'since';
/**
 * Attribute of the injected tag holding the cursor current when the page was served. The cursor is kept
 * out of the script's URL so that URL stays the same for a whole run and the browser reuses the client
 * (and its compiled code) across reloads.
 */
export const CURSOR_ATTRIBUTE = 'data-devpush-since';
/**
 * `<meta property="csp-nonce" nonce="…">` (Vite's spelling): on a page whose CSP limits styles, the nonce
 * the client and hot runtime put on the `<style>` elements they add.
 */
export const CSP_NONCE_META = 'csp-nonce';
/** Query parameter naming the server run a client URL belongs to; such a URL may be cached for good. */
export const BOOT_PARAM = 'v';
/** Query parameter present when a client reconnects after having been connected (stats only). */
export const RECONNECT_PARAM = 're';
/**
 * Query parameter present when a request continues a live connection rather than opening one: the
 * stream rung reopening after its byte cap, the next long poll. Such a request is held (poll) and is
 * not counted as a new connection.
 */
export const CONTINUE_PARAM = 'c';
/** Query parameter the client adds to a swapped stylesheet's or image's URL, so the browser fetches it anew. */
export const ASSET_VERSION_PARAM = 'devpush';
/**
 * Every route devpush answers, as its path under ROUTE_PREFIX. The channel's rungs are routes too
 * (`/__devpush/websocket`, ...: see `channelPath`).
 */
export const ROUTES = {
  /** The live status page (HTML). */
  statusPage: '',
  /** The browser client injected into every page. */
  client: 'client.js',
  /** The status page's script. */
  statusScript: 'status.js',
  /** The status JSON (`StatusReport`). */
  status: 'status',
  /**
   * `BootAnswer` to an authorized client. A client whose every rung failed asks it, to tell a restarted
   * server (other bootId, or its token refused) from a dead one.
   */
  boot: 'boot',
  /** Folder of build outputs (entry bundles, chunks, assets) served from the builder's memory. */
  build: 'build/',
  /** The hot runtime every served module imports; `?v=` names its bytes. */
  hot: 'hot.js',
  /** Folder of the pre-bundled packages (one entry per specifier) and their shared chunks. */
  deps: 'deps/',
  /**
   * The project's public env (`import.meta.env`): a module whose code reads it imports this default
   * export. Never cached, so the next load after a `.env` edit sees the new values; modules stay immutable.
   */
  env: 'env.js',
  /**
   * The React Refresh glue (client/react-refresh.ts) that modules transformed for Fast Refresh import first:
   * it wires the project's `react-refresh` runtime into React before react-dom loads, and decides from a
   * module's exports whether it is a refresh boundary.
   */
  refresh: 'react-refresh.js',
  /** `POST` of a page's reports (`PageReport`: errors, `hot.send` events, presence), token in the query. */
  report: 'report',
} as const;
/** The name a module binds the env route's default export to (`import.meta.env = ENV_BINDING`). */
export const ENV_BINDING = '__devpush_env';
export type RouteName = keyof typeof ROUTES;

/** The absolute path of a devpush route: `routePath('client')` is `/__devpush/client.js`. */
export function routePath(name: RouteName): string {
  return `${ROUTE_PREFIX}${ROUTES[name]}`;
}

/** The path of one rung's endpoint: `/__devpush/websocket`. */
export function channelPath(rung: TransportName): string {
  return `${ROUTE_PREFIX}${rung}`;
}

/** What the boot route answers: which server run this is, and its newest message id. */
export interface BootAnswer {
  bootId: string;
  id: MessageId;
}

/** WebSocket close codes the server sends. */
export const CLOSE_CODES = {
  /** The client sent a message: the channel is push-only. */
  pushOnly: 1008,
  /** The cursor is malformed: the client must not retry it (the other rungs answer HTTP 400). */
  badCursor: 4400,
} as const;

/** Query parameter of a module URL naming its version; such a URL's bytes never change (cached immutable). */
export const MODULE_VERSION_PARAM = 'v';
/** Query parameter asking for a non-JS file (CSS, JSON, an image) as a JavaScript module. */
export const IMPORT_PARAM = 'import';
/**
 * Import queries (`./logo.svg?raw`): a module imported with one is its own module, whose id and hot
 * record key is its path with the query (`/src/logo.svg?raw`). `raw`: the file's text; `url`: its served
 * URL; `inline`: a stylesheet's text, not applied; `worker`: a constructor of a module worker running it.
 */
export const IMPORT_QUERIES = ['raw', 'url', 'inline', 'worker'] as const;
export type ImportQuery = (typeof IMPORT_QUERIES)[number];
/** Name of the local binding every served module imports `createHotContext` as. */
export const HOT_CONTEXT_BINDING = '__devpush_hot';
/** Events a module can listen to with `import.meta.hot.on` (custom events of `server.send` too). */
export const HOT_EVENTS = [
  'devpush:beforeUpdate',
  'devpush:afterUpdate',
  'devpush:beforeFullReload',
  'devpush:error',
] as const;
export type HotEventName = (typeof HOT_EVENTS)[number];

/**
 * The hot runtime (`/__devpush/hot.js`), as the channel client sees it: it registers itself under
 * `HOT_RUNTIME_KEY` on `globalThis` when the first module of a page imports it. No runtime there means no
 * module ran in this page, so an update has nothing to apply.
 */
export const HOT_RUNTIME_KEY = '__devpush_hot_runtime';
/**
 * Where the channel client puts its report sender for the hot runtime (a separate bundle): `hot.send`
 * events, and the reason of a reload no boundary prevented (sent as the event HOT_RELOAD_EVENT).
 */
export const HOT_REPORT_KEY = '__devpush_hot_report';
/** The event a page sends when an update found no boundary and it reloads: `{ reason }`; the terminal prints it. */
export const HOT_RELOAD_EVENT = 'devpush:full-reload';
/** The event a page sends for a warning the terminal should show too (`{ message }`): a CSS module class it lacks. */
export const HOT_WARNING_EVENT = 'devpush:warning';

/** A module that failed while an update re-ran it (or in its accept callback). */
export interface HotFailure {
  path: string;
  message: string;
}

export interface HotRuntime {
  /** Applies an update; resolves with what failed (empty when all went in), or reloads the page. */
  applyUpdate(message: UpdateMessage): Promise<HotFailure[]>;
  /** Runs `devpush:*` and custom event listeners (`import.meta.hot.on`). */
  notify(event: string, data: unknown): void;
}

/** What the browser client is told at serve time (replaces `__DEVPUSH_CONFIG__` in its bundle). */
export interface ClientConfig {
  /** Random per server run; every channel request carries it. */
  token: string;
  /** Rungs the server offers, in the order to try them. */
  transports: readonly TransportName[];
  heartbeatMs: number;
  /**
   * Whether tabs share one connection over a BroadcastChannel relay (HTTP/1.1 allows six connections per
   * host). False over HTTPS, which is HTTP/2: every tab holds its own stream. Absent means true.
   */
  tabRelay?: boolean;
  /** Send `console.error` calls to the terminal too (`client.forwardConsole`). */
  forwardConsole: boolean;
}

/** The counters kept per rung, in the order the status page shows them. */
export const TRANSPORT_STAT_COLUMNS = [
  'connected',
  'total',
  'messages',
  'bytes',
  'reconnects',
  'resumes',
  'resyncs',
  'drops',
] as const;

/** Counters per rung, as the status route reports them (read by the status page too). */
export type TransportStats = Record<(typeof TRANSPORT_STAT_COLUMNS)[number], number>;

/** The channel's part of the status report. */
export interface ChannelStats {
  bootId: string;
  seq: number;
  ringSize: number;
  transports: Record<TransportName, TransportStats>;
  lastChange: { id: MessageId; kind: ReplayableMessage['kind']; at: string } | null;
}

/**
 * When each stage of one change set ran, so the status report (and `npm run bench`) can say where the
 * time between a save and the browser goes. Times are epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), comparable with the same clock in other processes.
 */
export interface ChangeTiming {
  /** Ids of the messages this change set published (empty when nothing on the page changed). */
  messages: MessageId[];
  /** How many files the change set held. */
  files: number;
  /** The watcher saw the burst's first and last file event (flushedAt - lastEventAt: what coalescing and checking add to a save). */
  firstEventAt: number;
  lastEventAt: number;
  /** The watcher handed the coalesced change set over. */
  flushedAt: number;
  /** The pipeline started on it (later than flushedAt when an earlier set was still being handled). */
  startedAt: number;
  /** Every affected entry was rebuilt. */
  builtAt: number;
  /** Every message was handed to every connected client's transport. */
  publishedAt: number;
  /** CPU (user + system, microseconds) the server spent publishing: one broadcast to every client. */
  publishCpuUs: number;
  /** Clients connected when it was published. */
  clients: number;
}

/**
 * What the status route answers. The builder's and the watcher's parts are owned by their modules
 * (src/bundle, src/watch) and left open here so this file stays free of Node code.
 */
export interface StatusReport<Build = unknown, Watch = unknown> extends ChannelStats {
  build: Build;
  watch: Watch | null;
  /** Recent change sets, oldest first. */
  changes: ChangeTiming[];
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number };
  /** esbuild's service (a child process): started or not, and how often it was stopped for idleness. */
  esbuild: { running: boolean; idleStops: number };
  /** The server's clock when it answered (epoch ms, sub-millisecond). */
  now: number /** Every page (or plain client) connected or heard from lately, oldest first; `clientsOmitted` past the cap. */;
  clients: ClientStatus[];
  clientsOmitted: number;
  /** Messages sent to clients per minute, by kind, for the last hour (oldest first). */
  volume: VolumeMinute[];
  /** What recent change sets did, in words the status page shows (oldest first). */
  summaries: ChangeSummary[];
}

/** `bootId.seq`: bootId is random per server start, seq counts every replayable message. */
export type MessageId = string;

interface Base {
  id: MessageId;
}

/** First message on every connection. `seq` is the newest seq the server has published. */
export interface HelloMessage extends Base {
  kind: 'hello';
  bootId: string;
  seq: number;
  heartbeatMs: number;
  transport: TransportName;
}

export interface ReloadMessage extends Base {
  kind: 'reload';
  reason: string;
  paths: string[];
}

/** Stylesheets (URL paths from the served root) to swap in place. */
export interface CssMessage extends Base {
  kind: 'css';
  paths: string[];
  version: number;
  /**
   * The new text of small plain stylesheets among `paths` (path → text), so a page can show it before
   * its `<link>` has fetched the file again.
   */
  texts?: Record<string, string>;
}

/** Images (URL paths) to swap in place. */
export interface ImageMessage extends Base {
  kind: 'img';
  paths: string[];
  version: number;
}

/** A module's URL path and the version its importers now name (`?v=`). */
export interface ModuleVersion {
  path: string;
  version: string;
}

/**
 * Module-level update (HMR), one per change set. `changed`: URL paths of the modules whose code changed.
 * `modules`: the new version of every module whose version moved (the changed ones and, transitively, their
 * importers). The client decides the boundaries from what the modules that ran registered.
 */
export interface UpdateMessage extends Base {
  kind: 'update';
  changed: string[];
  modules: ModuleVersion[];
  /**
   * The new text of changed plain stylesheets imported by modules (small ones): the page sets it at once,
   * without fetching the stylesheet's module again. Absent when there are none.
   */
  styles?: ModuleStyle[];
}

/** A stylesheet module's URL path and the CSS it now applies. */
export interface ModuleStyle {
  path: string;
  css: string;
}

export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
  lineText: string;
}

export interface BuildProblem {
  text: string;
  location: ErrorLocation | null;
  /** A few lines of source around the location, already formatted with line numbers. */
  frame: string;
}

export interface ErrorMessage extends Base {
  kind: 'error';
  source: string;
  errors: BuildProblem[];
}

export interface ErrorClearedMessage extends Base {
  kind: 'error-cleared';
  source: string;
}

export interface CustomMessage extends Base {
  kind: 'custom';
  event: string;
  data: unknown;
}

/** Heartbeat; carries the current id but is never stored or replayed. */
export interface PingMessage extends Base {
  kind: 'ping';
}

/** The client's cursor cannot be honoured (server restarted, or the gap left the ring): reload once. */
export interface ResyncMessage extends Base {
  kind: 'resync';
  reason: string;
}

/** Kinds that advance seq, are kept in the replay ring and are replayed after a reconnect. */
export type ReplayableMessage =
  | ReloadMessage
  | CssMessage
  | ImageMessage
  | UpdateMessage
  | ErrorMessage
  | ErrorClearedMessage
  | CustomMessage;

export type ServerMessage = ReplayableMessage | HelloMessage | PingMessage | ResyncMessage;

/** A message as the server's code publishes it, before the hub gives it an id. */
export type Publishable = ReplayableMessage extends infer M
  ? M extends ReplayableMessage
    ? Omit<M, 'id'>
    : never
  : never;

export function formatId(bootId: string, seq: number): MessageId {
  return `${bootId}.${seq}`;
}

/** Parses `bootId.seq`; null for anything else (garbage cursors are answered with resync, not errors). */
export function parseId(id: string | null | undefined): { bootId: string; seq: number } | null {
  if (!id || id.length > 64) return null;
  const dot = id.lastIndexOf('.');
  if (dot <= 0) return null;
  const bootId = id.slice(0, dot);
  const seqText = id.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(bootId) || !/^\d{1,15}$/.test(seqText)) return null;
  return { bootId, seq: Number(seqText) };
}

// --- Upstream reports: what a page tells the server (errors, hot.send events, presence) ---

/** Every kind of message the server sends. */
export type MessageKind = ServerMessage['kind'];
/** Query parameter carrying a page's random id on its channel connections, so the status joins them to the page. */
export const PAGE_PARAM = 'p';
/** Largest report body the server reads (bytes); a longer one is refused 413 without being read. */
export const REPORT_MAX_BYTES = 16 * 1024;
/** Items one report body may hold (the client batches; the server refuses more). */
export const REPORT_MAX_ITEMS = 20;

/**
 * How this tab takes part in sharing one connection per origin: `solo` (own connection, not sharing, e.g.
 * on WebSocket), `pending` (up on an HTTP rung, asking for the lead), `leader` (own connection, relayed to
 * the other tabs), `follower` (living on the leader's relay), `independent` (the relay went silent: own
 * connection from now on).
 */
export const SHARE_ROLES = ['solo', 'pending', 'leader', 'follower', 'independent'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];

/** Who sends a report: the page as it is now (every report carries it; the status page shows it). */
export interface PagePresence {
  /** Random per page load; the same id is sent on the channel's connections as PAGE_PARAM. */
  id: string;
  url: string;
  title: string;
  role: ShareRole;
}

export const PAGE_ERROR_KINDS = ['error', 'rejection', 'console'] as const;
export type PageErrorKind = (typeof PAGE_ERROR_KINDS)[number];

/** An uncaught error, unhandled rejection or (with client.forwardConsole) a console.error call. */
export interface PageErrorReport {
  type: 'error';
  kind: PageErrorKind;
  message: string;
  /** `error.stack` as the browser wrote it (frames name served URLs; the server maps them). */
  stack: string;
  /** Identical repeats the page folded into this one (1 = once). */
  count: number;
}

/** `import.meta.hot.send(event, data)`: handed to the API's `server.on(event, handler)`. */
export interface PageEventReport {
  type: 'event';
  event: string;
  data: unknown;
}

/** Errors the page dropped itself (its own rate limit) since its last report. */
export interface PageDroppedReport {
  type: 'dropped';
  count: number;
}

/** The page is going away (pagehide): its entry leaves the status at once. */
export interface PageClosedReport {
  type: 'closed';
}

/** Only the page's presence changed (title, tab-sharing role). */
export interface PagePresenceReport {
  type: 'presence';
}

export type PageReportItem =
  | PageErrorReport
  | PageEventReport
  | PageDroppedReport
  | PageClosedReport
  | PagePresenceReport;

/** One POST body to REPORT_ROUTE. */
export interface PageReport {
  page: PagePresence;
  items: PageReportItem[];
}

// --- /__devpush/status: who is connected and what flowed ---

/** The HTTP version a client's connection runs on. */
export type HttpProtocol = 'h1' | 'h2';

/** One page (or a plain channel client without a page id) as the status lists it. */
export interface ClientStatus {
  id: string;
  /** Page URL and title: shown only on the status routes. Null for a client that never reported them. */
  url: string | null;
  title: string | null;
  /** Short browser name and version ("Chrome 131", "Firefox 133"), from the user agent. */
  browser: string;
  /** The rung its own connection uses; null while it has none (a follower tab, or between reconnects). */
  rung: TransportName | null;
  protocol: HttpProtocol | null;
  role: ShareRole | null;
  /** Epoch ms. */
  connectedSince: number;
  lastHeard: number;
  /** Messages and bytes sent to it over its own connections. */
  messages: number;
  bytes: number;
  /** Reconnects that got back exactly what was missed. */
  resumes: number;
  /** Whether it has a live connection now (a follower is reached through its leader's). */
  connected: boolean;
}

/** Messages sent to clients in one minute, by kind. */
export interface VolumeMinute {
  /** Epoch ms at the start of the minute. */
  at: number;
  messages: Partial<Record<MessageKind, number>>;
  bytes: number;
}

/** One change set as the terminal and the status page describe it. */
export interface ChangeSummary {
  /** Epoch ms when its messages went out. */
  at: number;
  /** Files saved, relative to the served folder (at most 20 named; `fileCount` has them all). */
  files: string[];
  fileCount: number;
  /** What the pages were told, in order: kind and the paths it names. */
  told: { kind: ReplayableMessage['kind']; paths: string[] }[];
  /** Pages connected when it went out. */
  pages: number;
  /** First file event → messages sent (ms). */
  ms: number;
}

/**
 * A message as received: the parsed JSON when its `kind` is one this side knows, null for anything else
 * (garbage, or a kind from a newer server), which the receiver ignores. A new kind in ServerMessage
 * fails the type check here until it is listed.
 */
export function parseMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind !== 'string')
    return null;
  const message = value as ServerMessage;
  switch (message.kind) {
    case 'hello':
    case 'reload':
    case 'css':
    case 'img':
    case 'update':
    case 'error':
    case 'error-cleared':
    case 'custom':
    case 'ping':
    case 'resync':
      return message;
    default: {
      const unknown: never = message;
      void unknown;
      return null;
    }
  }
}

/** What a page does with each kind of replayable message, in the words the terminal and the status page use. */
export const TOLD_WORDS: Record<ReplayableMessage['kind'], string> = {
  reload: 'reload',
  css: 'stylesheet swap',
  img: 'image swap',
  update: 'module update',
  error: 'error overlay',
  'error-cleared': 'overlay cleared',
  custom: 'custom event',
};
