import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** A response as it came off the wire: nothing normalized, so the whole raw text can be searched. */
export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: Buffer;
}

/** Parses the first response in `raw` (header names lower-cased; the body is everything after the head). */
export function parseResponse(raw: Buffer): RawResponse {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 ') || end === -1) return { status: 0, headers: {}, body: text, raw };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: raw.subarray(end + 4).toString('utf8'), raw };
}

/** Opens a TCP connection to the server on loopback. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends bytes exactly as given and collects everything until the server closes the connection (or
 * `timeoutMs` passes, after which the socket is destroyed and what arrived is returned).
 */
export function sendRaw(port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  return sendRawUntil(port, bytes, () => false, timeoutMs);
}

/** A request head written by hand. `Host` defaults to the server's own and `Connection: close` is added. */
export function requestText(
  port: number,
  target: string,
  headers: Record<string, string | null> = {},
  method = 'GET',
): string {
  const all: Record<string, string | null> = { Host: `localhost:${port}`, ...headers, Connection: 'close' };
  const lines = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${target} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** GET `target` raw (no normalization of the path) with extra headers. */
export function rawGet(
  port: number,
  target: string,
  headers: Record<string, string | null> = {},
): Promise<RawResponse> {
  return sendRaw(port, requestText(port, target, headers));
}

/** The head of a WebSocket upgrade request for `target`. */
export function upgradeText(port: number, target: string, headers: Record<string, string | null> = {}): string {
  const head = requestText(port, target, {
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  });
  return head.replace('Connection: close', 'Connection: Upgrade');
}

/** One WebSocket frame as a client would build it, with the knobs a hostile client turns. */
export function wsFrame(
  payload: Buffer,
  {
    opcode = 0x1,
    fin = true,
    mask = true,
    rsv = 0,
    announcedLength,
  }: {
    opcode?: number;
    fin?: boolean;
    mask?: boolean;
    rsv?: number;
    announcedLength?: number;
  } = {},
): Buffer {
  const length = announcedLength ?? payload.length;
  const first = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  let head: Buffer;
  if (length < 126) {
    head = Buffer.from([first, (mask ? 0x80 : 0) | length]);
  } else if (length < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt16BE(length, 2);
    head[0] = first;
    head[1] = (mask ? 0x80 : 0) | 126;
  } else {
    head = Buffer.alloc(10);
    head.writeBigUInt64BE(BigInt(length), 2);
    head[0] = first;
    head[1] = (mask ? 0x80 : 0) | 127;
  }
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  return Buffer.concat([head, key, masked]);
}

/** A raw WebSocket: the handshake done by hand, then frames sent and the server's close code read. */
export class RawWebSocket {
  private buffer = Buffer.alloc(0);
  private readonly closed: Promise<void>;
  handshake: RawResponse | null = null;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => (this.buffer = Buffer.concat([this.buffer, chunk])));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async open(port: number, target: string, headers: Record<string, string | null> = {}): Promise<RawWebSocket> {
    const ws = new RawWebSocket(await connect(port));
    ws.socket.write(upgradeText(port, target, headers));
    const deadline = Date.now() + 10_000;
    while (ws.buffer.indexOf('\r\n\r\n') === -1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const end = ws.buffer.indexOf('\r\n\r\n') + 4;
    ws.handshake = parseResponse(ws.buffer.subarray(0, end));
    ws.buffer = ws.buffer.subarray(end);
    return ws;
  }

  send(frame: Buffer): void {
    this.socket.write(frame);
  }

  /**
   * Waits for the server's close frame (or the end of the connection) and returns its code; null when the
   * connection ended without one. Like any client, it then lets go of the socket.
   */
  async closeCode(timeoutMs = 10_000): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    let code = findCloseCode(this.buffer);
    while (code === null && !this.socket.destroyed && Date.now() < deadline) {
      await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, 10))]);
      code = findCloseCode(this.buffer);
    }
    this.socket.destroy();
    return code;
  }

  /** How many ping frames the server has sent so far. */
  pings(): number {
    return serverFrames(this.buffer).filter((frame) => frame.opcode === 0x9).length;
  }

  /** Resolves when the server has ended the TCP connection (it must not wait for a hostile peer). */
  ended(): Promise<void> {
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The server's (unmasked) frames in `bytes`, as far as they are complete. */
function serverFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** The status code of the server's first close frame; null when none came. */
function findCloseCode(bytes: Buffer): number | null {
  const close = serverFrames(bytes).find((frame) => frame.opcode === 0x8);
  if (!close) return null;
  return close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 1005;
}

/**
 * Sends bytes and collects until `done` says the response so far is enough (a streaming response never
 * closes by itself), the server closes, or `timeoutMs` passes; then the socket is destroyed.
 */
export async function sendRawUntil(
  port: number,
  bytes: string | Buffer,
  done: (soFar: RawResponse) => boolean,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const socket = await connect(port);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (done(parseResponse(Buffer.concat(chunks)))) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}
