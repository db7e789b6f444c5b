import { isIP, type Server, type Socket } from 'node:net';
import { rawResponse } from '../http/raw-response.js';

export interface ConnectionLimits {
  /** Open TCP connections from one peer (an IPv4 address or an IPv6 /64); a tab holds one channel socket and a few HTTP ones. */
  perPeer: number;
  /** Open TCP connections in all. */
  total: number;
}

export const OVER_LIMIT = rawResponse(503, 'Refused: too many open connections to the dev server.');

/**
 * Caps open connections per remote address and in total, counted as sockets are accepted, so that
 * neither a flood of half-open sockets nor a page that opens channel after channel can use up the
 * process's file descriptors. A connection over a cap gets one 503 line and is closed.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  const perPeer = new Map<string, number>();
  let total = 0;
  // First in line, before node:http attaches its parser, so a refused socket is closed as early as possible.
  server.prependListener('connection', (socket: Socket) => {
    const peer = peerOf(socket.remoteAddress);
    const fromPeer = perPeer.get(peer) ?? 0;
    if (fromPeer >= limits.perPeer || total >= limits.total) {
      socket.on('error', () => socket.destroy());
      socket.end(OVER_LIMIT, () => socket.destroy());
      return;
    }
    perPeer.set(peer, fromPeer + 1);
    total++;
    socket.once('close', () => {
      total--;
      const left = (perPeer.get(peer) ?? 1) - 1;
      if (left === 0) perPeer.delete(peer);
      else perPeer.set(peer, left);
    });
  });
}

/**
 * Whom a connection counts against: its IPv4 address, or the /64 of an IPv6 one, since a single host
 * on an IPv6 network can pick any address of its /64 (an IPv4-mapped address counts as its IPv4).
 */
export function peerOf(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
