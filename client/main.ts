// The browser client, served at /__devpush/client.js and injected into every HTML page. Its tag carries
// the cursor current when the page was served, so nothing published after that is missed. (A pasted
// snippet has none: it starts from the server's hello.)
import { CURSOR_ATTRIBUTE, type TransportName } from '../src/protocol.js';
import { apply, retryFailedSwaps } from './apply.js';
import { hideBadge, showBadge } from './badge.js';
import { browserWorld } from './browser-world.js';
import { ChannelConnection, type ConnectionState } from './connection.js';
import { newPageId, Reporter, setReporter } from './report.js';

export { sendToServer } from './report.js';

const self = new URL(import.meta.url);
const config = __DEVPUSH_CONFIG__;
let state: ConnectionState = 'connecting';
let transport: TransportName | null = null;
let outage = false;

const tag = document.querySelector<HTMLScriptElement>(`script[${CURSOR_ATTRIBUTE}]`);
const cursor = tag?.getAttribute(CURSOR_ATTRIBUTE) ?? null;
const pageId = newPageId();
const reporter = new Reporter(self.origin, config, pageId, () => connection.sharing);

const connection = new ChannelConnection(browserWorld(self.origin, pageId), config, cursor, {
  message: apply,
  state(next, rung) {
    state = next;
    transport = rung;
    if (next === 'down') {
      showBadge('devpush: disconnected, retrying…');
      // One line per outage, however many retries it takes.
      if (!outage) console.info('[devpush] lost the connection to the dev server; retrying until it is back.');
      outage = true;
    }
    if (next === 'up') {
      hideBadge();
      if (outage) console.info('[devpush] connected again.');
      outage = false;
      retryFailedSwaps();
      reporter.presence(true);
    }
  },
});

setReporter(reporter);
reporter.watchErrors();
// Followers have no connection of their own: a report now and then keeps them on the status page.
setInterval(() => reporter.presence(connection.sharing === 'follower'), config.heartbeatMs);

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
  pageId,
};
connection.start();
