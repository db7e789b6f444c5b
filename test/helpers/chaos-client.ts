// A channel client for chaos tests: like a tab it starts from the cursor in its page, reconnects after
// every cut with the cursor of the last message it read (a fresh connection, not a continuation),
// continues a stream at its byte cap and a poll after each answer, and on `resync` does what a page's
// reload does: loads the page again and starts from its cursor. It records every replayable message
// exactly as it arrived (no client-side dedupe), so a duplicate or a gap the server sends shows.
import http from 'node:http';
import WebSocket from 'ws';
import { EventStreamParser } from '../../client/transports/event-stream.js';
import {
  CONTINUE_PARAM,
  CURSOR_ATTRIBUTE,
  CURSOR_PARAM,
  type ServerMessage,
  type TransportName,
  parseMessage,
} from '../../src/protocol.js';
import { rungUrl } from './rung-probe.js';

const UNSTORED = new Set(['hello', 'ping', 'resync']);

export class ChaosClient {
  /** Replayable messages in the order they arrived. */
  readonly received: ServerMessage[] = [];
  /** `resync`s received: each is one page reload. */
  reloads = 0;
  connections = 0;
  /** What happened, in order (opens with their cursor seq, hellos), for a failure's message. */
  readonly log: string[] = [];
  private cursor: string | null = null;
  private stopped = false;
  private reloading = false;
  private close: () => void = () => {};

  /** Set by `start` from the page's client script, as a tab gets it. */
  private token = '';

  constructor(
    private readonly base: string,
    private readonly rung: TransportName,
  ) {}

  /** Loads the page (its cursor, its client script's token) and connects, as a tab opened now does. */
  async start(): Promise<void> {
    await this.loadPage();
    this.open(false);
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }

  get lastId(): string | null {
    return this.received.at(-1)?.id ?? null;
  }

  /** The rung and the newest of what happened, for a failure's message. */
  describe(): string {
    return `${this.rung} client, ${this.reloads} reloads, ${this.connections} connections: ${this.log.slice(-40).join(' ')}`;
  }

  private url(continued: boolean): URL {
    const query: Record<string, string> = {};
    if (this.cursor) query[CURSOR_PARAM] = this.cursor;
    if (continued) query[CONTINUE_PARAM] = '1';
    return rungUrl(this.base, this.rung, this.token, query);
  }

  /** After a cut or a refusal (a proxy's 502 while the server restarts): again in a moment. */
  private retry(): void {
    if (!this.stopped) setTimeout(() => this.open(false), 10 + Math.random() * 40);
  }

  private open(continued: boolean): void {
    if (this.stopped || this.reloading) return;
    this.log.push(`open(${continued ? 'c' : ''}${this.cursor?.split('.')[1]})`);
    this.connections++;
    if (this.rung === 'websocket') this.openSocket();
    else this.openHttp(continued);
  }

  private receive(message: ServerMessage, eventId: string | null): void {
    if (message.kind === 'resync') {
      void this.reload();
      return;
    }
    if (!UNSTORED.has(message.kind)) this.received.push(message);
    else if (message.kind === 'hello') this.log.push(`hello(${eventId?.split('.')[1]})`);
    // As the page's client does (client/cursor.ts): a start without a cursor takes the hello's.
    if (message.kind === 'hello' && this.cursor === null) this.cursor = message.id;
    // The HTTP rungs' frame ids are the resume points (hello's is the cursor we came with).
    if (eventId !== null) this.cursor = eventId;
    else if (!UNSTORED.has(message.kind)) this.cursor = message.id;
  }

  /**
   * What a page's reload does (after a resync, or a 401: the server restarted with a new token): fetch
   * the page, start from the cursor in its tag, with the token of its client script. One at a time, as a
   * page reloads once however many connections tell it to.
   */
  private async reload(): Promise<void> {
    if (this.reloading) return;
    this.reloads++;
    this.log.push('reload');
    this.close();
    this.reloading = true;
    try {
      await this.loadPage();
    } finally {
      this.reloading = false;
    }
    this.open(false);
  }

  /** The page's cursor and its client script's token; tried again while the server is away. */
  private async loadPage(): Promise<void> {
    while (!this.stopped) {
      try {
        const page = await (await fetch(this.base)).text();
        const client = await (await fetch(new URL('/__devpush/client.js', this.base))).text();
        const cursor = new RegExp(`${CURSOR_ATTRIBUTE}="([^"]+)"`).exec(page)?.[1];
        const token = /"token":"([^"]+)"/.exec(client)?.[1];
        if (cursor && token) {
          this.cursor = cursor;
          this.token = token;
          return;
        }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private openSocket(): void {
    const socket = new WebSocket(this.url(false));
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      socket.terminate();
    };
    this.close = end;
    socket.on('message', (data) => {
      if (ended) return;
      const message = parseMessage(data.toString());
      if (message) this.receive(message, null);
    });
    socket.on('error', () => {});
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      ended = true;
      if (res.statusCode === 401) void this.reload();
      else this.retry();
    });
    socket.on('close', () => {
      const wasOurs = ended;
      ended = true;
      if (!wasOurs) this.retry();
    });
  }

  private openHttp(continued: boolean): void {
    const parser = new EventStreamParser();
    let ended = false;
    const request = http.get(this.url(continued), (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        ended = true;
        if (res.statusCode === 401) void this.reload();
        else this.retry();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (ended) return;
        for (const event of parser.feed(chunk)) {
          const message = parseMessage(event.data);
          if (message) this.receive(message, event.id);
        }
      });
      res.on('end', () => {
        if (ended) return;
        ended = true;
        // A stream ends at its byte cap, a poll after each answer: both continue; an SSE end is a cut.
        if (this.rung === 'sse') this.retry();
        else this.open(true);
      });
    });
    this.close = () => {
      ended = true;
      request.destroy();
    };
    request.on('error', () => {});
    request.on('close', () => {
      if (ended) return;
      ended = true;
      this.retry();
    });
  }
}
