// The browser client, served at /__devpush/client.js and injected into every HTML page. Its own URL
// carries the cursor current when the page was served, so nothing published after that is missed.
import { CURSOR_PARAM, type TransportName } from '../src/protocol.js';
import { apply } from './apply.js';
import { hideBadge, showBadge } from './badge.js';
import { ChannelConnection, type ConnectionState } from './connection.js';

const self = new URL(import.meta.url);
let state: ConnectionState = 'connecting';
let transport: TransportName | null = null;

const connection = new ChannelConnection(self.origin, __DEVPUSH_CONFIG__, self.searchParams.get(CURSOR_PARAM), {
  message: apply,
  state(next, rung) {
    state = next;
    transport = rung;
    if (next === 'down') showBadge('devpush: disconnected, retrying…');
    if (next === 'up') hideBadge();
  },
});

window.__devpush = {
  get state() {
    return state;
  },
  get transport() {
    return transport;
  },
  get cursor() {
    return connection.cursor;
  },
  get sharing() {
    return connection.sharing;
  },
};
connection.start();
