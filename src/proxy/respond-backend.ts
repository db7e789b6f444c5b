// How proxy mode answers with what the backend sent: HTML pages get the client (decoded, streamed,
// never cached: they carry the cursor), everything else goes through as it came.
import { randomBytes } from 'node:crypto';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ProxyRule } from '../config/types.js';
import type { Logger } from '../log.js';
import { BACKEND_CHECK_HEADER, BACKEND_DOWN_HEADER, backendDownPage } from './backend-down.js';
import { amendCsp } from './csp.js';
import { responseHeaders, type Origins } from './headers.js';
import { InjectStream } from './inject-stream.js';
import { NO_NONCES, type PageNonces } from './nonces.js';

/** The client tag for a page, from what has been seen of it, with the nonces the page's CSP asks for. */
export type TagMaker = (seen: string, urlPath: string, nonces: PageNonces) => string;

export interface BackendResponderOptions {
  backend: ProxyRule;
  scheme: 'http' | 'https';
  clientTag: TagMaker;
  log: Logger;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};
/** Encodings devpush can decode to inject into; a backend is not offered others for pages. */
const DECODABLE = /^(gzip|x-gzip|deflate|br|identity)$/i;

/**
 * Where a browser shows what it fetched as a page. HTML fetched by a script (htmx, Unpoly, `fetch`) is a
 * fragment, not a page: it gets no client. Browsers send `Sec-Fetch-Dest` to localhost and over https;
 * a request without it (plain http to a LAN address) is taken for a page.
 */
const PAGE_DESTINATIONS = /^(document|iframe|frame|embed|object)$/;

/** What the backend answered: a page to inject into, HTML a script fetched, or anything else. */
function kindOf(proxyRes: IncomingMessage, req: IncomingMessage): 'page' | 'fragment' | 'other' {
  const status = proxyRes.statusCode ?? 0;
  if (req.method === 'HEAD' || status === 204 || status === 304 || status < 200) return 'other';
  if (proxyRes.headers['content-length'] === '0') return 'other';
  if (!/^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i.test(proxyRes.headers['content-type'] ?? '')) return 'other';
  const destination = req.headers['sec-fetch-dest'];
  return destination && !PAGE_DESTINATIONS.test(destination) ? 'fragment' : 'page';
}

/** Adds `name` to the response's Vary, keeping what the backend put there. */
function varyOn(headers: OutgoingHttpHeaders, name: string): void {
  const vary =
    headers.vary === undefined
      ? []
      : String(headers.vary)
          .split(/\s*,\s*/)
          .filter(Boolean);
  if (!vary.some((v) => v === '*' || v.toLowerCase() === name.toLowerCase())) headers.vary = [...vary, name].join(', ');
}

export class BackendResponder {
  private readonly tracked = new WeakSet<IncomingMessage>();
  private readonly backendUrl: URL;
  private down = false;
  private cspReported = false;
  private readonly undecodableReported = new Set<string>();

  constructor(private readonly options: BackendResponderOptions) {
    this.backendUrl = new URL(options.backend.target);
  }

  track(req: IncomingMessage): void {
    this.tracked.add(req);
  }

  /** Offers the backend only encodings devpush can decode, so every page can get the client. */
  adjustRequest(proxyReq: ClientRequest, req: IncomingMessage): void {
    if (!this.tracked.has(req)) return;
    const accepted = String(req.headers['accept-encoding'] ?? '');
    const kept = accepted
      .split(',')
      .map((token) => token.trim())
      .filter((token) => DECODABLE.test(token.split(';')[0]!.trim()));
    // No header at all would mean "any encoding" (RFC 9110), zstd included: say identity then.
    proxyReq.setHeader('accept-encoding', kept.join(', ') || 'identity');
  }

  respond(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
    if (!this.tracked.has(req)) return;
    if (this.down) {
      this.down = false;
      this.options.log.info(`The backend at ${this.options.backend.target} answers again.`);
    }
    const origins = this.origins(req);
    const headers = responseHeaders(proxyRes.headers, origins);
    const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
    const decoder = encoding === 'identity' ? null : DECODERS[encoding];
    const kind = kindOf(proxyRes, req);
    const page = kind === 'page';
    if (page && decoder === undefined) this.reportUndecodable(encoding, req.url ?? '/');
    // The same URL is a page when navigated to: a cached fragment (no client) must not answer that.
    if (kind === 'fragment') varyOn(headers, 'Sec-Fetch-Dest');
    if (!page || decoder === undefined) {
      writeHead(res, req, proxyRes, headers);
      pipeline(proxyRes, res, () => {});
      return;
    }
    const nonces = this.amendPolicy(headers, origins.devpush);
    for (const name of ['content-encoding', 'content-length', 'etag', 'last-modified']) delete headers[name];
    // The page carries the cursor of the moment it was served: a cached copy would replay old reloads.
    headers['cache-control'] = 'no-store';
    writeHead(res, req, proxyRes, headers);
    const urlPath = new URL(req.url ?? '/', 'http://x').pathname;
    const inject = new InjectStream((seen) => this.options.clientTag(seen, urlPath, nonces));
    const onEnd = (error: Error | null | undefined) => {
      if (error) res.destroy();
    };
    if (decoder) pipeline(proxyRes, decoder(), inject, res, onEnd);
    else pipeline(proxyRes, inject, res, onEnd);
  }

  /** The backend did not answer: a page that says so and reloads when it is back, or one plain line. */
  failed(req: IncomingMessage, res: ServerResponse, error: Error): void {
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    const target = this.options.backend.target;
    if (!this.down) {
      this.down = true;
      this.options.log.warn(
        `the backend at ${target} does not answer (${code}); pages show a notice and reload once it does.`,
      );
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const wantsPage = req.method === 'GET' && /text\/html/.test(req.headers.accept ?? '');
    const body = wantsPage
      ? injectInto(backendDownPage(target, code), this.options.clientTag)
      : `The backend at ${target} does not answer (${code}).\n`;
    res.writeHead(req.headers[BACKEND_CHECK_HEADER] ? 200 : 502, {
      'Content-Type': wantsPage ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      [BACKEND_DOWN_HEADER]: '1',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** A page in an encoding devpush cannot read (zstd on Node 20) went through as it came: said once per encoding. */
  private reportUndecodable(encoding: string, url: string): void {
    if (this.undecodableReported.has(encoding)) return;
    this.undecodableReported.add(encoding);
    this.options.log.warn(
      `the backend sent ${url} as "${encoding}", which devpush cannot decode (it asked for gzip, deflate or br): pages in it pass through without live reload. Turn that compression off in the backend for development.`,
    );
  }

  private origins(req: IncomingMessage): Origins {
    return { devpush: `${this.options.scheme}://${req.headers.host}`, backend: this.backendUrl };
  }

  /** Amends the CSP for the client, its channel and styles only; says so once. Returns the nonces the tags must carry. */
  private amendPolicy(headers: OutgoingHttpHeaders, origin: string): PageNonces {
    // node joins repeated CSP headers with ", ", which is how several policies are written in one.
    const policy = headers['content-security-policy'];
    if (typeof policy !== 'string') return NO_NONCES;
    const amended = amendCsp(policy, { origin, nonce: randomBytes(12).toString('base64') });
    if (amended.changed) {
      headers['content-security-policy'] = amended.header;
      if (!this.cspReported) {
        this.cspReported = true;
        this.options.log.info(
          "The backend's Content-Security-Policy would block devpush's client: devpush adds its client, channel and styles to it on the pages it proxies (nothing else changes).",
        );
      }
    }
    return { script: amended.nonce, style: amended.styleNonce };
  }
}

/** The backend's status line; HTTP/2 has no reason phrase (node warns in the terminal when given one). */
function writeHead(res: ServerResponse, req: IncomingMessage, proxyRes: IncomingMessage, headers: OutgoingHttpHeaders) {
  const status = proxyRes.statusCode ?? 502;
  if (req.httpVersionMajor === 1) res.writeHead(status, proxyRes.statusMessage ?? '', headers);
  else res.writeHead(status, headers);
}

function injectInto(html: string, clientTag: TagMaker): string {
  const at = html.indexOf('</head>');
  return html.slice(0, at) + clientTag(html, '/', NO_NONCES) + html.slice(at);
}
