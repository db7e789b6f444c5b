// TLS for `--https`: the user's PEM files, or a local certificate devpush makes once for localhost,
// 127.0.0.1, ::1 and the exposed names, kept in a cache folder outside the project and reused until it
// is about to expire. Served over HTTP/2 with HTTP/1.1 for clients that ask for it (ALPN).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { createRequire } from 'node:module';
import { isIP, type Socket } from 'node:net';
import os, { networkInterfaces } from 'node:os';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { DevpushError } from '../errors.js';
import { isWildcardHost } from './guard.js';

// node:http2 and node:tls are read only with --https: a plain server does not load them at start-up.
const requireBuiltin = createRequire(import.meta.url);

export interface TlsFiles {
  key: string;
  cert: string;
  /** Where the certificate is (printed with how to trust it), and whether devpush made it. */
  certFile: string;
  generated: boolean;
}

/** A certificate closer than this to its end is made again. */
const RENEW_BEFORE_MS = 7 * 86_400_000;
const VALID_DAYS = 365;

/** `$DEVPUSH_CACHE_DIR`, else the platform's cache folder: outside every project, so no key is committed. */
export function cacheDir(): string {
  if (process.env.DEVPUSH_CACHE_DIR) return process.env.DEVPUSH_CACHE_DIR;
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? os.homedir(), 'devpush');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'devpush');
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'devpush');
}

/** The certificate and key to serve: the given files (checked), or the cached local certificate. */
export async function loadTls(
  https: { cert: string | null; key: string | null },
  names: readonly string[],
): Promise<TlsFiles> {
  if (https.cert && https.key) return readGiven(https.cert, https.key);
  return localCertificate(['localhost', '127.0.0.1', '::1', ...names]);
}

async function readPem(file: string, key: 'cert' | 'key'): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DevpushError(`server.https.${key}: cannot read ${file} (${code}). Fix the path in the config.`);
  }
}

async function readGiven(certFile: string, keyFile: string): Promise<TlsFiles> {
  const [cert, key] = [await readPem(certFile, 'cert'), await readPem(keyFile, 'key')];
  try {
    new X509Certificate(cert);
  } catch {
    throw new DevpushError(`server.https.cert: ${certFile} holds no PEM certificate. Give a certificate file.`);
  }
  try {
    createPrivateKey(key);
  } catch {
    throw new DevpushError(`server.https.key: ${keyFile} holds no PEM private key (or it needs a passphrase).`);
  }
  try {
    (requireBuiltin('node:tls') as typeof import('node:tls')).createSecureContext({ cert, key });
  } catch {
    throw new DevpushError(`server.https.key: ${keyFile} is not the key of the certificate ${certFile}.`);
  }
  return { cert, key, certFile, generated: false };
}

/** Whether a cached certificate still serves: not near its end, and naming every host asked for. */
function stillGood(cert: string, names: readonly string[]): boolean {
  try {
    const x509 = new X509Certificate(cert);
    if (Date.parse(x509.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    return names.every((name) => (isIP(name) ? x509.checkIP(name) : x509.checkHost(name)) !== undefined);
  } catch {
    return false;
  }
}

async function localCertificate(names: readonly string[]): Promise<TlsFiles> {
  const dir = cacheDir();
  const certFile = path.join(dir, 'localhost-cert.pem');
  const keyFile = path.join(dir, 'localhost-key.pem');
  const cached = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]).catch(() => null);
  if (cached && stillGood(cached[0], names)) return { cert: cached[0], key: cached[1], certFile, generated: false };

  const { generate } = await import('selfsigned');
  const unique = [...new Set(names)];
  const pems = await generate([{ name: 'commonName', value: 'devpush local certificate' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: unique.map((name) =>
          isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name },
        ),
      },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await writeFile(certFile, pems.cert);
  return { cert: pems.cert, key: pems.private, certFile, generated: true };
}

/** Names a local certificate must cover besides loopback: the bound host and the configured ones. */
export function certificateNames(options: ResolvedConfig['server']): string[] {
  const bound = isWildcardHost(options.host)
    ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address))
    : [options.host.replace(/^\[|\]$/g, '')];
  return [...bound, ...options.allowedHosts.filter((name) => !name.startsWith('.'))];
}

/** How to make this machine's browsers trust the certificate, in one line for this platform. */
export function trustHint(certFile: string): string {
  if (process.platform === 'darwin')
    return `security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db "${certFile}"`;
  if (process.platform === 'win32') return `certutil -addstore -user Root "${certFile}"`;
  return `certutil -d sql:$HOME/.pki/nssdb -A -t "P,," -n devpush -i "${certFile}" (Chromium; Firefox: Settings → Certificates → Import)`;
}

/**
 * An HTTP/2 server with HTTP/1.1 for clients that ask for it by ALPN (WebSocket upgrades come that way:
 * devpush does not announce RFC 8441, so browsers open an HTTP/1.1 connection for them). Requests of both
 * versions reach `onRequest` through node's compatibility API, which has the shape of node:http's.
 */
export function createTlsServer(
  tls: TlsFiles,
  options: ServerOptions,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): { server: Http2SecureServer; closeAll(): void } {
  const { createSecureServer } = requireBuiltin('node:http2') as typeof import('node:http2');
  const server = createSecureServer({ ...options, key: tls.key, cert: tls.cert, allowHTTP1: true });
  // node's HTTP/1.1 fallback ignores these options (it keeps 60 s and 300 s of its own): the plain server's limits.
  Object.assign(server, {
    headersTimeout: options.headersTimeout,
    requestTimeout: options.requestTimeout,
    connectionsCheckingInterval: options.connectionsCheckingInterval,
  });
  // The compatibility objects mirror node:http's for everything devpush uses (headers, socket, writeHead, streaming).
  server.on('request', onRequest as unknown as (...args: unknown[]) => void);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A failed handshake (a plain-HTTP request on the TLS port, a client that distrusts the certificate) concerns that socket only.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  return {
    server,
    closeAll: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
