import http from 'node:http';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/protocol.js';
import { preciseNow } from './clock.js';

// Plain channel clients without a browser, one per rung, as small as the protocol allows: they connect
// with the run's token, resume with their cursor, and hand every message to `onMessage` with the time
// it arrived. The bench uses them for save-to-message, fan-out and leak figures.

export type Rung = 'websocket' | 'sse' | 'stream' | 'poll';

export interface ProbeEvents {
  onMessage(message: ServerMessage, receivedAt: number): void;
  /** The connection failed or ended for good (not the stream rung's planned reopen). */
  onClosed?(reason: string): void;
}

export interface ChannelProbe {
  readonly rung: Rung;
  close(): void;
}

/** Query parameter of a request that continues a live connection (the protocol's CONTINUE_PARAM). */
const CONTINUE = 'c';

function channelUrl(base: string, rung: Rung, token: string, cursor: string | null, continuing = false): URL {
  const url = new URL(`/__devpush/${rung}`, base);
  url.searchParams.set('t', token);
  if (cursor) url.searchParams.set('since', cursor);
  if (continuing) url.searchParams.set(CONTINUE, '1');
  return url;
}

export function openProbe(base: string, token: string, rung: Rung, events: ProbeEvents): ChannelProbe {
  return rung === 'websocket' ? openWebSocket(base, token, events) : openHttp(base, token, rung, events);
}

function openWebSocket(base: string, token: string, events: ProbeEvents): ChannelProbe {
  const url = channelUrl(base, 'websocket', token, null);
  url.protocol = 'ws:';
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.on('message', (data) => events.onMessage(JSON.parse(data.toString()) as ServerMessage, preciseNow()));
  socket.on('error', (error) => events.onClosed?.(error.message));
  socket.on('close', (code) => events.onClosed?.(`closed (${code})`));
  return {
    rung: 'websocket',
    close() {
      socket.removeAllListeners('close');
      socket.terminate();
    },
  };
}

/** Splits event-stream text into messages; returns the unfinished tail. */
export function parseEventStream(text: string, onMessage: (message: ServerMessage, id: string | null) => void): string {
  const blocks = text.split('\n\n');
  const tail = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) onMessage(JSON.parse(data.join('\n')) as ServerMessage, id);
  }
  return tail;
}

/**
 * SSE, the XHR stream and long polling all carry event-stream frames over GET: SSE stays open, the
 * stream rung ends at its byte cap and is reopened, a poll ends after each answer and is repeated.
 */
function openHttp(base: string, token: string, rung: Exclude<Rung, 'websocket'>, events: ProbeEvents): ChannelProbe {
  let cursor: string | null = null;
  let closed = false;
  let request: http.ClientRequest | null = null;
  const agent = new http.Agent({ keepAlive: rung === 'poll', maxSockets: 1 });

  const get = (continuing: boolean) => {
    if (closed) return;
    const url = channelUrl(base, rung, token, cursor, continuing);
    request = http.get(url, { agent, headers: rung === 'sse' ? { Accept: 'text/event-stream' } : {} }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        events.onClosed?.(`answered ${res.statusCode}`);
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const receivedAt = preciseNow();
        buffer = parseEventStream(buffer + chunk, (message, id) => {
          if (id) cursor = id;
          events.onMessage(message, receivedAt);
        });
      });
      res.on('end', () => {
        if (rung === 'sse') events.onClosed?.('stream ended');
        else get(true);
      });
      res.on('error', () => {});
    });
    request.on('error', (error) => {
      if (!closed) events.onClosed?.(error.message);
    });
  };
  get(false);
  return {
    rung,
    close() {
      closed = true;
      request?.destroy();
      agent.destroy();
    },
  };
}
