// The browser client, served at /__devpush/client.js and injected into every HTML page. Its own URL
// carries the cursor current when the page was served, so nothing published after that is missed.
import { CURSOR_PARAM } from '../src/protocol.js';
import { apply } from './apply.js';
import { hideBadge, showBadge } from './badge.js';
import { ChannelConnection } from './connection.js';

const self = new URL(import.meta.url);
const connection = new ChannelConnection(self.origin, __DEVPUSH_CONFIG__, self.searchParams.get(CURSOR_PARAM), {
  message: apply,
  state(state, transport) {
    window.__devpush = { state, transport, cursor: connection.cursor };
    if (state === 'down') showBadge('devpush: disconnected, retrying…');
    if (state === 'up') hideBadge();
  },
});
connection.start();
