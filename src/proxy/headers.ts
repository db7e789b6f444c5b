// What a backend's response headers become on the way to the browser: hop-by-hop headers dropped (node
// sets its own framing; HTTP/2 forbids them), redirects and cookies that name the backend pointed at
// devpush instead, everything else as the backend sent it (several Set-Cookie lines stay several).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'http2-settings',
]);

/** Where the browser thinks it is (`http://localhost:4800`) and where the backend is. */
export interface Origins {
  devpush: string;
  backend: URL;
}

/** A Location naming the backend (absolute, or protocol-relative) points at devpush; others stay. */
export function rewriteLocation(location: string, origins: Origins): string {
  let url: URL;
  try {
    url = new URL(location, origins.backend);
  } catch {
    return location;
  }
  if (!/^(https?:)?\/\//i.test(location) || url.host !== origins.backend.host) return location;
  return `${origins.devpush}${url.pathname}${url.search}${url.hash}`;
}

/** A cookie whose Domain names the backend's host is made host-only, so the browser keeps it for devpush. */
export function rewriteCookie(cookie: string, origins: Origins): string {
  const backendName = origins.backend.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return cookie.replace(/;\s*domain=\.?([^;]*)/gi, (attribute, domain: string) =>
    domain.trim().toLowerCase() === backendName ? '' : attribute,
  );
}

/** The response headers to send for a backend's response. */
export function responseHeaders(headers: IncomingHttpHeaders, origins: Origins): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith(':')) continue;
    out[name] = value;
  }
  // `Connection: x-foo` names more hop-by-hop headers.
  for (const named of String(headers.connection ?? '').split(',')) delete out[named.trim().toLowerCase()];
  if (typeof out.location === 'string') out.location = rewriteLocation(out.location, origins);
  const cookies = headers['set-cookie'];
  if (cookies) out['set-cookie'] = cookies.map((cookie) => rewriteCookie(cookie, origins));
  return out;
}
