// Requests devpush does not answer itself go elsewhere through http-proxy-3: `server.proxy` rules pass
// through untouched; proxy mode's backend gets every other request, and its HTML pages come back with
// the client injected (decoded from gzip/br/deflate, streamed), its CSP amended for the client only,
// and its redirects and cookies pointed at devpush.
import { Agent as HttpAgent, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';
import { ProxyServer } from 'http-proxy-3';
import type { ProxyRule } from '../config/types.js';
import { ROUTE_PREFIX } from '../protocol.js';
import type { Forwarding } from '../server/http.js';
import type { Handler } from '../server/routes/route.js';
import type { Logger } from '../log.js';
import { isLoopbackHost } from '../server/exposure.js';
import { describeRule, matchRule } from './rules.js';
import { BackendResponder, type TagMaker } from './respond-backend.js';

export interface ForwardOptions {
  backend: ProxyRule | null;
  rules: readonly ProxyRule[];
  /** `https` when devpush serves TLS: the scheme of the origin pages see. */
  scheme: 'http' | 'https';
  clientTag: TagMaker;
  log: Logger;
}

/** Errors worth one line each: the code says what happened (ECONNREFUSED: nothing listens there). */
const errorText = (error: Error) => (error as NodeJS.ErrnoException).code ?? error.message;

export class Forwarder {
  private readonly proxy = new ProxyServer();
  // Our own agents: node's global one gives sockets a 5 s timeout, and a slow backend must be allowed
  // as long as the browser waits (DESIGN §8).
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private readonly reported = new Set<ProxyRule>();
  private readonly ruleOf = new WeakMap<IncomingMessage, ProxyRule>();
  private readonly backendResponder: BackendResponder | null;

  constructor(private readonly options: ForwardOptions) {
    const { backend, scheme, clientTag, log } = options;
    this.backendResponder = backend && new BackendResponder({ backend, scheme, clientTag, log });
    this.proxy.on('proxyRes', (proxyRes, req, res) => {
      // A rule's target answered: a later failure is news again.
      const rule = this.ruleOf.get(req);
      if (rule) this.reported.delete(rule);
      this.backendResponder?.respond(proxyRes, req, res);
    });
    this.proxy.on('proxyReq', (proxyReq, req) => this.backendResponder?.adjustRequest(proxyReq, req));
    // Without a listener, an error nobody handled would be thrown by the EventEmitter.
    this.proxy.on('error', () => {});
  }

  /**
   * What the HTTP server asks before its own rules: the `server.proxy` rules, and the backend for methods
   * devpush's routes never answer (a form's POST). Nothing under `/__devpush/` is ever forwarded.
   */
  forwarding(): Forwarding {
    const own = (pathname: string) => pathname.startsWith(ROUTE_PREFIX) || pathname === ROUTE_PREFIX.slice(0, -1);
    return {
      request: (req, res, target) => {
        if (own(target.pathname)) return false;
        if (this.rule(req, res)) return true;
        if (!this.options.backend || req.method === 'GET' || req.method === 'HEAD') return false;
        this.backend(req, res);
        return true;
      },
      upgrade: (req, socket, head, target) => !own(target.pathname) && this.upgrade(req, socket, head),
    };
  }

  /** The route table's last line in proxy mode: GET and HEAD that no devpush route answered. */
  backendRoute(): Handler | null {
    if (!this.options.backend) return null;
    return ({ req, res }) => {
      this.backend(req, res);
      return true;
    };
  }

  /** Sends the request along a `server.proxy` rule; false when no rule matches. */
  private rule(req: IncomingMessage, res: ServerResponse): boolean {
    const rule = matchRule(this.options.rules, req.url ?? '/', false);
    if (!rule) return false;
    if (rule.rewrite) req.url = rule.rewrite(req.url ?? '/');
    this.ruleOf.set(req, rule);
    this.proxy.web(req, res, this.ruleOptions(rule), (error) => {
      this.report(rule, `${req.method} ${req.url}`, error);
      failWith(res, 502, `Proxy error: ${describeRule(rule)} failed (${errorText(error)}); details in the terminal.`);
    });
    return true;
  }

  /** Sends the request to the backend (proxy mode). */
  private backend(req: IncomingMessage, res: ServerResponse): void {
    const backend = this.options.backend!;
    const responder = this.backendResponder!;
    // The backend's answer goes out with its own headers, not the ones devpush puts on its own.
    res.removeHeader('X-Content-Type-Options');
    res.removeHeader('Cross-Origin-Resource-Policy');
    responder.track(req);
    this.proxy.web(req, res, { ...this.ruleOptions(backend), selfHandleResponse: true, xfwd: true }, (error) =>
      responder.failed(req, res, error),
    );
  }

  /** An upgrade that is not devpush's channel: a `ws` rule's, else the backend's (the app's own sockets). */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const rule = matchRule(this.options.rules, req.url ?? '/', true) ?? this.options.backend;
    if (!rule) return false;
    if (rule.rewrite) req.url = rule.rewrite(req.url ?? '/');
    socket.on('error', () => socket.destroy());
    this.proxy.ws(req, socket, head, this.ruleOptions(rule), (error) => {
      this.report(rule, `WebSocket ${req.url}`, error);
      socket.destroy();
    });
    return true;
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private ruleOptions(rule: ProxyRule) {
    const secureTarget = /^(https|wss):/.test(rule.target);
    return {
      target: rule.target,
      changeOrigin: rule.changeOrigin,
      secure: rule.secure,
      agent: secureTarget ? this.agents.https : this.agents.http,
    };
  }

  /** Once per rule until it works again: a dead API server must not flood the terminal. */
  private report(rule: ProxyRule, what: string, error: Error): void {
    if (this.reported.has(rule)) return;
    this.reported.add(rule);
    const name = rule === this.options.backend ? `the backend ${rule.target}` : describeRule(rule);
    this.options.log.warn(`${name} failed for ${what}: ${errorText(error)}. Is that server running?`);
  }
}

/** A short answer, or the end of a response already under way. */
export function failWith(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Whether a backend URL names devpush itself (it moved to the backend's free port): proxying would loop. */
export function pointsAtSelf(target: string, port: number): boolean {
  const url = new URL(target);
  const targetPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return targetPort === port && isLoopbackHost(url.hostname);
}
