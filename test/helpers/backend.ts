// A small real backend for proxy-mode tests: what Django, Rails or Express send (compressed HTML,
// streamed pages, redirects to its own origin, cookies for its own domain, a strict CSP, 304s, a POST
// that reads its body, its own WebSocket, templates read at each request, a slow answer, a zstd body
// nobody asked for), on 127.0.0.1 at a port of its own.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { WebSocketServer } from 'ws';

export interface Backend {
  url: string;
  port: number;
  /** Requests as the backend saw them (method, url, host), newest last. */
  seen: { method: string; url: string; host: string; acceptEncoding: string }[];
  /** Lets the held part of `/stream` go out. */
  releaseStream(): void;
  close(): Promise<void>;
}

const PAGE_BODY = '<h1 id="title">From the backend</h1><p>ünïcödé</p>';

/** The page every HTML route sends; `folder`'s `static/css/site.css` is served at /assets/css/site.css. */
function page(title: string, extraHead = '', extraBody = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/assets/css/site.css"><link rel="stylesheet" id="print" href="/assets/print.css">${extraHead}</head><body>${PAGE_BODY}${extraBody}</body></html>`;
}

/** Starts the backend; `port` brings it back where it was (a backend restarting after a save). */
export async function startBackend(folder: string, port = 0): Promise<Backend> {
  const seen: Backend['seen'] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      host: req.headers.host ?? '',
      acceptEncoding: String(req.headers['accept-encoding'] ?? ''),
    });
    void route(req, res, folder, bound, held);
  });
  const sockets = new WebSocketServer({ server, path: '/cable' });
  sockets.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    seen,
    releaseStream: () => release(),
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, folder: string, port: number, held: Promise<void>) {
  const url = new URL(req.url ?? '/', 'http://backend');
  const html = { 'Content-Type': 'text/html; charset=utf-8' };
  switch (url.pathname) {
    case '/':
    case '/gzip':
      res.writeHead(200, { ...html, 'Content-Encoding': 'gzip', ETag: '"page"' });
      res.end(gzipSync(page('gzip')));
      return;
    case '/br':
      res.writeHead(200, { ...html, 'Content-Encoding': 'br' });
      res.end(brotliCompressSync(page('br')));
      return;
    case '/deflate':
      res.writeHead(200, { ...html, 'Content-Encoding': 'deflate' });
      res.end(deflateSync(page('deflate')));
      return;
    case '/stream':
      // The head goes out at once; the rest only when the test says so: the client must arrive before it.
      res.writeHead(200, html);
      res.write('<!doctype html><html><head><title>stream</title></head><body><p>first</p>');
      await held;
      res.end('<p id="late">late</p></body></html>');
      return;
    case '/redirect':
      res.writeHead(302, { Location: `http://127.0.0.1:${port}/landed?x=1` });
      res.end();
      return;
    case '/elsewhere':
      res.writeHead(302, { Location: 'https://example.com/away' });
      res.end();
      return;
    case '/landed':
      res.writeHead(200, html);
      res.end(page('landed'));
      return;
    case '/cookies':
      res.writeHead(200, {
        'Content-Type': 'text/plain',
        'Set-Cookie': [
          'session=abc; Path=/; HttpOnly',
          `theme=dark; Domain=127.0.0.1; Path=/`,
          'other=1; Domain=example.com',
        ],
      });
      res.end('cookies');
      return;
    case '/csp':
      res.writeHead(200, {
        ...html,
        'Content-Security-Policy': "default-src 'none'; script-src 'nonce-backend123'; style-src 'self'",
      });
      res.end(page('csp', `<script nonce="backend123">window.appRan = true</script>`));
      return;
    case '/csp-strict':
      res.writeHead(200, {
        ...html,
        'Content-Security-Policy': "default-src 'self'; script-src 'strict-dynamic' 'sha256-AAAA'",
      });
      res.end(page('csp-strict'));
      return;
    case '/app':
    case '/app-csp': {
      // A template read at each request, as Django or Express render one; /app-csp under a strict CSP
      // whose nonce the template's own script carries.
      const nonce = randomBytes(9).toString('base64');
      const strict = `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'`;
      const template = readFileSync(path.join(folder, 'templates/app.html'), 'utf8');
      res.writeHead(200, url.pathname === '/app-csp' ? { ...html, 'Content-Security-Policy': strict } : html);
      res.end(template.replaceAll('{{ title }}', 'Backend app').replaceAll('{{ nonce }}', nonce));
      return;
    }
    case '/snippet':
      // The snippet pasted at the end of the body, as `devpush snippet` prints it (for its default port).
      res.writeHead(200, html);
      res.end(
        page(
          'snippet',
          '',
          '<script type="module" crossorigin src="http://localhost:4800/__devpush/client.js"></script>',
        ),
      );
      return;
    case '/slow':
      // Longer than node's default agent and socket timeouts (5 s).
      await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms') ?? 6000)));
      res.writeHead(200, { ...html, 'Content-Encoding': 'gzip' });
      res.end(gzipSync(page('slow')));
      return;
    case '/zstd':
      // Sent as zstd whatever the request offered, as a misconfigured compression middleware does.
      res.writeHead(200, { ...html, 'Content-Encoding': 'zstd' });
      res.end(readFileSync(path.join(folder, 'backend/page.html.zst')));
      return;
    case '/data.json':
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { ETag: '"v1"' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', ETag: '"v1"', 'X-Backend': 'yes' });
      res.end('{"ok":true}');
      return;
    case '/echo': {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end(`${req.method} ${Buffer.concat(chunks).toString()}`);
      return;
    }
    case '/assets/print.css':
      res.writeHead(200, { 'Content-Type': 'text/css' });
      res.end('@media print { h1 { color: black; } }');
      return;
    case '/assets/css/site.css':
      res.writeHead(200, { 'Content-Type': 'text/css', 'Cache-Control': 'no-cache' });
      res.end(readFileSync(path.join(folder, 'static/css/site.css')));
      return;
    default:
      res.writeHead(404, html);
      res.end(page('not found'));
  }
}
