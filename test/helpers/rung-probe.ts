// The tests' one channel client, for every rung, speaking raw HTTP and `ws` the way a browser would,
// recording what it receives. The stream probe reopens after the byte cap and the poll probe keeps polling, each with
// the id of the last event it read, as the browser client does.
import http from 'node:http';
import WebSocket from 'ws';
import { EventStreamParser } from '../../client/transports/event-stream.js';
import {
  CONTINUE_PARAM,
  CURSOR_PARAM,
  channelPath,
  type ServerMessage,
  TOKEN_PARAM,
  type TransportName,
} from '../../src/protocol.js';

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
  const url = new URL(channelPath(rung), base);
  url.searchParams.set(TOKEN_PARAM, token);
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

/** The WebSocket rung's probe; tests that need the socket itself (or to await the open) use it directly. */
export class WsProbe implements RungProbe {
  readonly rung = 'websocket' as const;
  readonly messages: ServerMessage[] = [];
  readonly requests = 1;
  /** The HTTP status of a refused upgrade, or the close code. */
  refusal: number | null = null;
  closeCode: number | null = null;
  readonly socket: WebSocket;
  /** Resolves on open; rejects when the upgrade is refused or fails. */
  readonly opened: Promise<void>;

  constructor(url: string | URL, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => this.messages.push(parse(data.toString())));
    this.socket.on('close', (code) => {
      this.closeCode = code;
      this.refusal = code;
    });
    this.socket.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_req, res) => {
        this.refusal = res.statusCode ?? 0;
        res.resume();
        reject(new Error(`refused: ${res.statusCode}`));
      });
      this.socket.once('error', reject);
    });
    this.opened.catch(() => {});
  }

  /** The websocket rung's URL with the token and any extra query text (`&since=...`). */
  static url(base: string, token: string, extra = ''): string {
    return `${rungUrl(base, 'websocket', token).href}${extra}`;
  }

  kinds(): string[] {
    return this.messages.map((m) => m.kind).filter((k) => k !== 'ping');
  }

  changes(): ServerMessage[] {
    return changesOf(this.messages);
  }

  close(): void {
    this.socket.terminate();
  }
}

function wsProbe(base: string, token: string, options: ProbeOptions): RungProbe {
  return new WsProbe(rungUrl(base, 'websocket', token, options.cursor ? { [CURSOR_PARAM]: options.cursor } : {}));
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
    if (cursor) query[CURSOR_PARAM] = cursor;
    if (continued) query[CONTINUE_PARAM] = '1';
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
