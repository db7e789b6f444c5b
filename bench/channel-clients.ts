import http from 'node:http';
import WebSocket from 'ws';
import { EventStreamParser } from '../client/transports/event-stream.js';
import {
  CONTINUE_PARAM,
  CURSOR_PARAM,
  channelPath,
  parseMessage,
  type ServerMessage,
  TOKEN_PARAM,
  type TransportName,
} from '../src/protocol.js';
import { preciseNow } from './clock.js';

// Plain channel clients without a browser, one per rung, as small as the protocol allows: they connect
// with the run's token, resume with their cursor, and hand every message to `onMessage` with the time
// it arrived. The bench uses them for save-to-message, fan-out and leak figures.

export type Rung = TransportName;

export interface ProbeEvents {
  onMessage(message: ServerMessage, receivedAt: number): void;
  /** The connection failed or ended for good (not the stream rung's planned reopen). */
  onClosed?(reason: string): void;
}

export interface ChannelProbe {
  readonly rung: Rung;
  close(): void;
}

function channelUrl(base: string, rung: Rung, token: string, cursor: string | null, continuing = false): URL {
  const url = new URL(channelPath(rung), base);
  url.searchParams.set(TOKEN_PARAM, token);
  if (cursor) url.searchParams.set(CURSOR_PARAM, cursor);
  if (continuing) url.searchParams.set(CONTINUE_PARAM, '1');
  return url;
}

export function openProbe(base: string, token: string, rung: Rung, events: ProbeEvents): ChannelProbe {
  return rung === 'websocket' ? openWebSocket(base, token, events) : openHttp(base, token, rung, events);
}

function openWebSocket(base: string, token: string, events: ProbeEvents): ChannelProbe {
  const url = channelUrl(base, 'websocket', token, null);
  url.protocol = 'ws:';
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.on('message', (data) => {
    const message = parseMessage(data.toString());
    if (message) events.onMessage(message, preciseNow());
  });
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
      const parser = new EventStreamParser();
      res.on('data', (chunk: string) => {
        const receivedAt = preciseNow();
        for (const event of parser.feed(chunk)) {
          if (event.id) cursor = event.id;
          const message = parseMessage(event.data);
          if (message) events.onMessage(message, receivedAt);
        }
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
