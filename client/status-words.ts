// Plain words for the status page: no "rung" or "seq" without saying what it means.
import type { ClientStatus, ShareRole, TransportName } from '../src/protocol.js';

export const RUNG_WORDS: Record<TransportName, string> = {
  websocket: 'WebSocket',
  sse: 'Server-Sent Events',
  stream: 'XHR streaming',
  poll: 'Long polling',
};

const ROLE_WORDS: Record<ShareRole, string> = {
  solo: 'own connection',
  pending: 'asking to lead',
  leader: 'leads, passes messages on',
  follower: 'follows another tab',
  independent: 'own connection (leader went quiet)',
};

export function listening(client: ClientStatus): string {
  if (client.rung) return `${RUNG_WORDS[client.rung]}${client.protocol === 'h2' ? ' over HTTP/2' : ''}`;
  if (client.role === 'follower') return 'through the leading tab';
  return client.connected ? 'connected' : 'reconnecting…';
}

export function roleWords(role: ShareRole | null): string {
  return role ? ROLE_WORDS[role] : '—';
}

export function localTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString();
}

export function ago(epochMs: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 2) return 'just now';
  if (seconds < 90) return `${seconds} s ago`;
  return `${Math.round(seconds / 60)} min ago`;
}

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KB`;
  return `${(count / 1024 / 1024).toFixed(1)} MB`;
}

export function plural(count: number, noun: string): string {
  return `${count.toLocaleString()} ${noun}${count === 1 ? '' : 's'}`;
}
