// The floor for the fan-out figure, run as a child process: a bare `ws` server that answers every
// channel upgrade with a hello and, when told, writes one pre-built frame to every socket, as devpush's hub
// does, with nothing else (no ring, no rungs, no status, no watcher). The bench's own client workers connect
// to it, so the difference to devpush's figure is devpush's and the rest is this machine and the clients.
import http from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { textFrame } from '../src/channel/ws-frame.js';
import { type CssMessage, formatId, type HelloMessage } from '../src/protocol.js';
import { preciseNow } from './clock.js';

export type FloorCommand = { cmd: 'broadcast'; n: number };
export type FloorReply = { type: 'listening'; port: number } | { type: 'sent'; id: string; at: number };

const BOOT = 'floor';
const sockets = new Set<Socket>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const server = http.createServer((_req, res) => res.end());

server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const hello: HelloMessage = {
      kind: 'hello',
      id: formatId(BOOT, 0),
      bootId: BOOT,
      seq: 0,
      heartbeatMs: 0,
      transport: 'websocket',
    };
    ws.send(JSON.stringify(hello));
    sockets.add(socket as Socket);
    ws.on('close', () => sockets.delete(socket as Socket));
  });
});

process.on('message', (command: FloorCommand) => {
  const message: CssMessage = { kind: 'css', id: formatId(BOOT, command.n), paths: ['/style.css'], version: command.n };
  const at = preciseNow();
  const frame = textFrame(Buffer.from(JSON.stringify(message)));
  for (const socket of sockets) socket.write(frame);
  process.send!({ type: 'sent', id: message.id, at } satisfies FloorReply);
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object')
    process.send!({ type: 'listening', port: address.port } satisfies FloorReply);
});
