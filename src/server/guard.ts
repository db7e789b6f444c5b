import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { IncomingMessage } from 'node:http';

// DNS rebinding: an attacker's hostname can resolve to 127.0.0.1, so the browser sends it as Host. Only
// names that cannot be an attacker's (loopback names and addresses, *.localhost, the bound host and
// configured hosts) are answered; everything else is refused before any file is read.

export interface GuardOptions {
  /** The host the server listens on, as given (`localhost`, `0.0.0.0`, `192.168.1.5`, `myhost`). */
  boundHost: string;
  allowedHosts: readonly string[];
  /** Origins allowed to use the channel and the client script cross-origin (snippet pages). */
  corsOrigins: readonly string[];
  token: string;
}

/** Host name from a Host header (`[::1]:80` → `::1`, `Example.COM:80` → `example.com`); null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header || header.length > 255) return null;
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) return isIP(bracketed[1]!) === 6 ? bracketed[1]! : null;
  const plain = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!plain) return null;
  return plain[1]!.replace(/\.$/, '');
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || name === '0:0:0:0:0:0:0:1';
}

function matchesHostList(name: string, list: readonly string[]): boolean {
  return list.some((entry) => {
    const allowed = entry.toLowerCase();
    // ".example.com" allows example.com and every subdomain, as in Vite and webpack-dev-server.
    if (allowed.startsWith('.')) return name === allowed.slice(1) || name.endsWith(allowed);
    return name === allowed;
  });
}

/** What a refused request gets: a status and one plain line that echoes nothing from the request. */
export interface Refusal {
  status: number;
  reason: string;
}

/**
 * HTTP/2 names the host in `:authority`, not `Host`. It is copied to `Host`, so every check and every
 * later reader sees the one name; a request that carries both, differing, is refused.
 */
function authorityRefusal(req: IncomingMessage): Refusal | null {
  if (req.httpVersionMajor !== 2) return null;
  const authority = req.headers[':authority'];
  if (typeof authority !== 'string') return null;
  if (req.headers.host !== undefined && req.headers.host !== authority) {
    return { status: 400, reason: 'Refused: Host and :authority differ.' };
  }
  req.headers.host = authority;
  return null;
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The machine's own addresses: what `Host` says when a LAN peer uses a server bound to every interface. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address.toLowerCase()));
}

/** `http://Example.com:80/` → `http://example.com`; entries that are no origin are kept as written. */
function normalizeOrigin(entry: string): string {
  try {
    return new URL(entry).origin;
  } catch {
    return entry;
  }
}

export class Guard {
  private readonly token: Buffer;
  private readonly boundNames: readonly string[];
  private readonly corsOrigins: readonly string[];

  constructor(private readonly options: GuardOptions) {
    this.token = Buffer.from(options.token);
    const bound = options.boundHost.toLowerCase();
    this.boundNames = isWildcardHost(bound) ? interfaceAddresses() : [bound.replace(/^\[|\]$/g, '')];
    this.corsOrigins = options.corsOrigins.map(normalizeOrigin);
  }

  hostAllowed(header: string | undefined): boolean {
    const name = hostName(header);
    if (name === null) return false;
    if (isLoopbackName(name)) return true;
    if (this.boundNames.includes(name)) return true;
    return matchesHostList(name, this.options.allowedHosts);
  }

  /**
   * The checks every request passes before anything is read, plain or upgrade: one Host that we answer
   * to, no page of a foreign origin, no cross-site embedding. Null when the request may proceed.
   */
  refusal(req: IncomingMessage): Refusal | null {
    const hosts = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i]!.toLowerCase() === 'host');
    if (hosts.length > 1) return { status: 400, reason: 'Refused: more than one Host header.' };
    const authority = authorityRefusal(req);
    if (authority) return authority;
    if (!this.hostAllowed(req.headers.host)) {
      return { status: 403, reason: 'Refused: unknown Host header. Add the name to server.allowedHosts to allow it.' };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, req.headers.host)) {
      return {
        status: 403,
        reason: "Refused: this page's origin may not use the dev server (see server.cors.origins).",
      };
    }
    if (this.isCrossSiteEmbed(req))
      return { status: 403, reason: 'Refused: cross-site embedding of dev server files.' };
    return null;
  }

  /**
   * Whether a browser page of `origin` may talk to devpush across origins: listed origins, and by
   * default pages on localhost names. `null`, malformed, and IP-literal origins (other than this
   * server's own, which is same-origin) are refused.
   */
  originAllowed(origin: string, requestHost: string | undefined): boolean {
    if (this.corsOrigins.includes(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.origin !== origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
    if (requestHost && url.host === requestHost.toLowerCase()) return true;
    const name = url.hostname.replace(/^\[|\]$/g, '');
    return (name === 'localhost' || name.endsWith('.localhost')) && isIP(name) === 0;
  }

  tokenMatches(candidate: string | null): boolean {
    if (candidate === null) return false;
    const given = Buffer.from(candidate);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  /**
   * A channel request the browser marks as another site's (`Sec-Fetch-Site: cross-site`) is answered
   * only with an Origin we allow (a snippet page): without one, a token is not enough.
   */
  isCrossSiteWithoutAllowedOrigin(req: IncomingMessage): boolean {
    if (req.headers['sec-fetch-site'] !== 'cross-site') return false;
    const origin = req.headers.origin;
    return origin === undefined || !this.originAllowed(origin, req.headers.host);
  }

  /** A cross-site page embedding our files with <script>/<img> (no-cors) is never answered. */
  isCrossSiteEmbed(req: IncomingMessage): boolean {
    return req.headers['sec-fetch-site'] === 'cross-site' && req.headers['sec-fetch-mode'] === 'no-cors';
  }
}
