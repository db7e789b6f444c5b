import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Target } from '../paths.js';

/** One request as a route sees it: already past the guard, GET or HEAD, its target parsed. */
export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  target: Target;
  /** The query lives here (`url.pathname` is the path as sent, still encoded). */
  url: URL;
  /** The path the table matches: decoded for the project's files, as sent under the devpush prefix. */
  pathname: string;
}

/** Answers the request and returns true, or returns false to let the next route try. */
export type Handler = (request: RouteRequest) => boolean | Promise<boolean>;

/** Cross-origin read headers for an allowed origin (snippet pages); empty for any other, never `*`. */
export type CorsHeaders = (request: RouteRequest) => Record<string, string>;

/**
 * A handler whose answers an allowed origin may read: entries, modules and what they import are loaded
 * by snippet pages of another server. A request the handler lets fall through keeps no CORS header, so
 * the project's own files are never readable cross-origin.
 */
export function withCors(handle: Handler, corsHeaders: CorsHeaders): Handler {
  return async (request) => {
    const names = Object.entries(corsHeaders(request)).map(([name, value]) => {
      request.res.setHeader(name, value);
      return name;
    });
    if (await handle(request)) return true;
    for (const name of names) request.res.removeHeader(name);
    return false;
  };
}

/** A line of the route table: which paths it looks at, and what answers them. */
export interface Route {
  matches(pathname: string): boolean;
  handle: Handler;
}

/** Exactly these paths. */
export function at(paths: string | readonly string[], handle: Handler): Route {
  const set = new Set(typeof paths === 'string' ? [paths] : paths);
  return { matches: (pathname) => set.has(pathname), handle };
}

/** Every path under `prefix`. */
export function under(prefix: string, handle: Handler): Route {
  return { matches: (pathname) => pathname.startsWith(prefix), handle };
}

/** The folder `prefix` (ending in `/`) itself, with or without its slash, and every path in it. */
export function folder(prefix: string, handle: Handler): Route {
  const bare = prefix.slice(0, -1);
  return { matches: (pathname) => pathname.startsWith(prefix) || pathname === bare, handle };
}

/** Every path. */
export function anyPath(handle: Handler): Route {
  return { matches: () => true, handle };
}

/** Runs the table in order: the first route that matches and answers wins. False when none answered. */
export async function dispatch(routes: readonly Route[], request: RouteRequest): Promise<boolean> {
  const { pathname } = request;
  for (const route of routes) {
    if (route.matches(pathname) && (await route.handle(request))) return true;
  }
  return false;
}

/** Sends a fixed body with its type; HEAD gets the headers only. */
export function sendBody(
  { req, res }: RouteRequest,
  body: Uint8Array | string,
  headers: Record<string, string | number>,
): true {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(200, { ...headers, 'Content-Length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
  return true;
}
