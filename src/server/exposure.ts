import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { isLoopbackName, isWildcardHost } from './guard.js';

/** Whether listening on `host` keeps the server to this machine. */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackName(host.toLowerCase().replace(/^\[|\]$/g, ''));
}

/** The URLs other machines can use to reach a server listening on `host` (every interface for 0.0.0.0/::). */
export function reachableUrls(host: string, port: number): string[] {
  const hosts = isWildcardHost(host)
    ? Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((entry) => !entry.internal && (host !== '0.0.0.0' || entry.family === 'IPv4'))
        // Link-local IPv6 addresses need a zone id (`%eth0`), which browsers do not accept in a URL.
        .filter((entry) => !(entry.family === 'IPv6' && entry.scopeid))
        .map((entry) => entry.address)
    : [host.replace(/^\[|\]$/g, '')];
  return hosts.map((name) => `http://${isIP(name) === 6 ? `[${name}]` : name}:${port}/`);
}

/**
 * The warning printed when `--host` (or server.host) exposes the project: it names what becomes
 * reachable and by whom, and how to go back. Null when the server stays on loopback.
 */
export function exposureWarning(host: string, port: number, root: string): string | null {
  if (isLoopbackHost(host)) return null;
  const urls = reachableUrls(host, port);
  const where = urls.length ? urls.join(', ') : `port ${port} on every network interface`;
  return (
    `listening on ${host}: anyone who can reach ${where} can read every file under ${root} ` +
    '(dotfiles and secrets excepted) and the build output. Leave out --host to keep devpush on this machine.'
  );
}
