// Test clients for every rung, speaking raw HTTP and `ws` the way a browser would, recording what
// they receive. The stream probe reopens after the byte cap and the poll probe keeps polling, each with
// the id of the last event it read, as the browser client does.
import http from 'node:http';
import WebSocket from 'ws';
import { EventStreamParser } from '../../client/transports/event-stream.js';
import type { ServerMessage, TransportName } from '../../src/protocol.js';

export interface RungProbe {
  readonly rung: TransportName;
  readonly messages: ServerMessage[];
  /** Requests made (the stream rung reopens after its byte cap; every poll is one). */
  readonly requests: number;
  /** HTTP status of a refused request, or the WebSocket close code, once the probe has stopped. */
  readonly refusal: number | null;
  /** Messages other than hello and ping. */
  changes(): ServerMessage[];
  close(): void;
}

export interface ProbeOptions {
  cursor?: string | null;
  /** Headers sent with HTTP requests (e.g. Last-Event-ID). */
  headers?: Record<string, string>;
}

export function rungUrl(base: string, rung: TransportName, token: string, query: Record<string, string> = {}): URL {
  const url = new URL(`/__devpush/${rung}`, base);
  url.searchParams.set('t', token);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  if (rung === 'websocket') url.protocol = 'ws:';
  return url;
}

export function openProbe(base: string, rung: TransportName, token: string, options: ProbeOptions = {}): RungProbe {
  return rung === 'websocket' ? wsProbe(base, token, options) : httpProbe(base, rung, token, options);
}

function parse(text: string): ServerMessage {
  return JSON.parse(text) as ServerMessage;
}

function changesOf(messages: ServerMessage[]): ServerMessage[] {
  return messages.filter((m) => m.kind !== 'hello' && m.kind !== 'ping');
}

function wsProbe(base: string, token: string, options: ProbeOptions): RungProbe {
  const query: Record<string, string> = options.cursor ? { since: options.cursor } : {};
  const socket = new WebSocket(rungUrl(base, 'websocket', token, query));
  const probe = {
    rung: 'websocket' as const,
    messages: [] as ServerMessage[],
    requests: 1,
    refusal: null as number | null,
    socket,
    changes: () => changesOf(probe.messages),
    close: () => socket.terminate(),
  };
  socket.on('message', (data) => probe.messages.push(parse(data.toString())));
  socket.on('close', (code) => (probe.refusal = code));
  socket.on('unexpected-response', (_req, res) => {
    probe.refusal = res.statusCode ?? 0;
    res.resume();
  });
  socket.on('error', () => {});
  return probe;
}

function httpProbe(base: string, rung: TransportName, token: string, options: ProbeOptions): RungProbe {
  let cursor = options.cursor ?? null;
  let stopped = false;
  let current: http.ClientRequest | null = null;
  const probe = {
    rung,
    messages: [] as ServerMessage[],
    requests: 0,
    refusal: null as number | null,
    changes: () => changesOf(probe.messages),
    close() {
      stopped = true;
      current?.destroy();
    },
  };

  const request = (continued: boolean) => {
    if (stopped) return;
    const query: Record<string, string> = {};
    if (cursor) query.since = cursor;
    if (continued) query.c = '1';
    probe.requests++;
    const parser = new EventStreamParser();
    current = http.get(rungUrl(base, rung, token, query), { headers: options.headers ?? {} }, (res) => {
      if (res.statusCode !== 200) {
        probe.refusal = res.statusCode ?? 0;
        stopped = true;
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const event of parser.feed(chunk)) {
          probe.messages.push(parse(event.data));
          if (event.id) cursor = event.id;
        }
      });
      // A stream ends at its byte cap and a poll after each answer: both continue with the cursor.
      res.on('end', () => {
        if (rung !== 'sse') request(true);
      });
    });
    current.on('error', () => {});
  };
  request(false);
  return probe;
}
