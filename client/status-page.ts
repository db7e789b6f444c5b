// The live status page at /__devpush/: the channel's statistics, refreshed whenever the channel itself
// says something (a change, a ping), through the same connection code as every page.
import { type ChannelStats, CURSOR_PARAM, routePath, TRANSPORT_STAT_COLUMNS } from '../src/protocol.js';
import { ChannelConnection } from './connection.js';
import { browserWorld } from './browser-world.js';

const self = new URL(import.meta.url);
let refreshing = false;
let again = false;

function cell(tag: 'td' | 'th', text: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

function setText(id: string, text: string): void {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

function render(status: ChannelStats): void {
  setText('boot', status.bootId);
  setText('seq', String(status.seq));
  setText('ring', String(status.ringSize));
  setText(
    'last',
    status.lastChange ? `${status.lastChange.kind} (${status.lastChange.id}) at ${status.lastChange.at}` : 'none yet',
  );
  const rows = Object.entries(status.transports).map(([name, stats]) => {
    const row = document.createElement('tr');
    row.dataset.rung = name;
    row.append(cell('th', name), ...TRANSPORT_STAT_COLUMNS.map((column) => cell('td', String(stats[column]))));
    return row;
  });
  document.getElementById('rungs')?.replaceChildren(...rows);
}

/** One request at a time; a refresh asked for meanwhile runs once the current one is done. */
async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    const response = await fetch(new URL(routePath('status'), self.origin), { cache: 'no-store' });
    if (response.ok) render((await response.json()) as ChannelStats);
  } catch {
    // The connection's state line already says when the server is unreachable.
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

const connection = new ChannelConnection(
  browserWorld(self.origin),
  __DEVPUSH_CONFIG__,
  self.searchParams.get(CURSOR_PARAM),
  {
    message: () => void refresh(),
    heard: () => void refresh(),
    state(state, transport) {
      setText('state', transport ? `${state} (${transport})` : state);
      void refresh();
    },
  },
);
connection.start();
