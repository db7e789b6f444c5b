// A small fault-injecting HTTP proxy on 127.0.0.1, put between a browser (or any client) and devpush to
// play the networks that break live reload. Used by the channel tests and the bench.
//
//   const proxy = await startFaultProxy('http://127.0.0.1:5173/', { upgrade: 'refuse' });
//   page.goto(proxy.url);          // the page and every channel request go through the proxy
//   proxy.set({ badGateway: true }); proxy.cutAll();   // a restart as a reverse proxy shows it
//   proxy.set({});                 // back to a clean pass-through
//   await proxy.close();
//
// Faults can be changed at any time; they apply to requests and connections that start afterwards
// (idleCutMs: to connections as they go idle).
import http, { type IncomingMessage } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface Faults {
  /**
   * WebSocket upgrades: `pass` them on (default); `refuse` them with a 403 before any 101; or `hold`:
   * pass the 101 back and then swallow every frame the server sends (a proxy or antivirus that accepts
   * the upgrade and buffers it forever).
   */
  upgrade?: 'pass' | 'refuse' | 'hold';
  /** Hold every HTTP response until it has ended, then send it whole (a buffering reverse proxy). */
  buffer?: boolean;
  /** Cut any client connection that has carried no byte either way for this long (ms). */
  idleCutMs?: number;
  /** Answer every request and upgrade with 502 Bad Gateway, as a reverse proxy does while its backend restarts. */
  badGateway?: boolean;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT/`: open this instead of the target. */
  readonly url: string;
  readonly port: number;
  /** Replaces the faults (an empty object: a clean pass-through). */
  set(faults: Faults): void;
  /** Cuts every open connection at once (both sides), as a network drop does. */
  cutAll(): void;
  close(): Promise<void>;
}

/** Hop-by-hop headers a proxy must not pass on as they are. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);
const IDLE_CHECK_MS = 100;

export async function startFaultProxy(target: string, initial: Faults = {}): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const targetPort = Number(targetUrl.port);
  let faults: Faults = { ...initial };
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    if (faults.badGateway) {
      res.writeHead(502, { 'Content-Type': 'text/plain', 'Content-Length': 28 });
      res.end('Bad gateway (fault proxy).\r\n');
      return;
    }
    const buffer = faults.buffer === true;
    const upstream = http.request(
      {
        host: targetUrl.hostname,
        port: targetPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      (response) => {
        const headers = withoutHopByHop(response.headers);
        if (!buffer) {
          res.writeHead(response.statusCode ?? 502, headers);
          res.flushHeaders();
          response.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(response.statusCode ?? 502, { ...headers, 'content-length': String(body.length) });
          res.end(body);
        });
      },
    );
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (faults.badGateway || faults.upgrade === 'refuse') {
      const status = faults.badGateway ? '502 Bad Gateway' : '403 Forbidden';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const hold = faults.upgrade === 'hold';
    const upstream = net.connect(targetPort, targetUrl.hostname, () => {
      upstream.write(requestHead(req));
      upstream.write(head);
      socket.pipe(upstream);
      if (hold) passHeadOnly(upstream, socket);
      else upstream.pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // Idle is measured on the bytes a connection carried, so it holds for upgraded sockets too.
  const lastBytes = new Map<Socket, { bytes: number; since: number }>();
  const idleTimer = setInterval(() => {
    const now = Date.now();
    for (const socket of sockets) {
      const bytes = socket.bytesRead + socket.bytesWritten;
      const seen = lastBytes.get(socket);
      if (!seen || seen.bytes !== bytes) lastBytes.set(socket, { bytes, since: now });
      else if (faults.idleCutMs !== undefined && now - seen.since >= faults.idleCutMs) socket.destroy();
    }
    for (const socket of lastBytes.keys()) if (!sockets.has(socket)) lastBytes.delete(socket);
  }, IDLE_CHECK_MS);
  idleTimer.unref();

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    set(next) {
      faults = { ...next };
    },
    cutAll,
    close() {
      clearInterval(idleTimer);
      cutAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** The upgrade request as it came, to replay it upstream over a raw socket. */
function requestHead(req: IncomingMessage): string {
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/** Passes the upstream's response head (the 101) and swallows everything after it. */
function passHeadOnly(upstream: Socket, socket: Duplex): void {
  let seen = Buffer.alloc(0);
  let passed = false;
  upstream.on('data', (chunk: Buffer) => {
    if (passed) return;
    seen = Buffer.concat([seen, chunk]);
    const end = seen.indexOf('\r\n\r\n');
    if (end === -1) return;
    passed = true;
    socket.write(seen.subarray(0, end + 4));
  });
}
