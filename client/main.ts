// The browser client, served at /__devpush/client.js and injected into every HTML page. Its tag carries
// the cursor current when the page was served, so nothing published after that is missed. (A pasted
// snippet has none: it starts from the server's hello.)
import { CURSOR_ATTRIBUTE, type TransportName } from '../src/protocol.js';
import { apply, retryFailedSwaps } from './apply.js';
import { hideBadge, showBadge } from './badge.js';
import { browserWorld } from './browser-world.js';
import { ChannelConnection, type ConnectionState } from './connection.js';

const self = new URL(import.meta.url);
let state: ConnectionState = 'connecting';
let transport: TransportName | null = null;

const tag = document.querySelector<HTMLScriptElement>(`script[${CURSOR_ATTRIBUTE}]`);
const cursor = tag?.getAttribute(CURSOR_ATTRIBUTE) ?? null;

const connection = new ChannelConnection(browserWorld(self.origin), __DEVPUSH_CONFIG__, cursor, {
  message: apply,
  state(next, rung) {
    state = next;
    transport = rung;
    if (next === 'down') showBadge('devpush: disconnected, retrying…');
    if (next === 'up') {
      hideBadge();
      retryFailedSwaps();
    }
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
