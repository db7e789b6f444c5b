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
/**
 * Route (under ROUTE_PREFIX) answering `{ bootId, id }` to an authorized client. A client whose every
 * rung failed asks it, to tell a restarted server (other bootId, or its token refused) from a dead one.
 */
export const BOOT_ROUTE = 'boot';
/**
 * Route (under ROUTE_PREFIX) of the React Refresh glue (client/react-refresh.ts) that modules transformed
 * for Fast Refresh import first: it wires the project's `react-refresh` runtime into React before
 * react-dom loads, and decides from a module's exports whether it is a refresh boundary.
 */
export const REFRESH_ROUTE = 'react-refresh.js';

/** Query parameter of a module URL naming its version; such a URL's bytes never change (cached immutable). */
export const MODULE_VERSION_PARAM = 'v';
/** Query parameter asking for a non-JS file (CSS, JSON, an image) as a JavaScript module. */
export const IMPORT_PARAM = 'import';
/** Route (under ROUTE_PREFIX) of the hot runtime every served module imports; `?v=` names its bytes. */
export const HOT_ROUTE = 'hot.js';
/** Route prefix (under ROUTE_PREFIX) of the pre-bundled dependencies and their shared chunks. */
export const DEPS_ROUTE = 'deps/';
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
}

/** Counters per rung, as `/__devpush/status` reports them (read by the status page too). */
export interface TransportStats {
  connected: number;
  total: number;
  messages: number;
  bytes: number;
  reconnects: number;
  resumes: number;
  resyncs: number;
  drops: number;
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

export type MessageKind = ServerMessage['kind'];

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
