// The live status page at /__devpush/: who is connected, on what, what they got, what each save did.
// Refreshed whenever the channel itself says something (a change, a ping), through the same connection
// code as every page; it reports its own presence like any page.
import {
  CURSOR_PARAM,
  routePath,
  TRANSPORT_NAMES,
  TOLD_WORDS,
  TRANSPORT_STAT_COLUMNS,
  type ClientStatus,
  type StatusReport,
} from '../src/protocol.js';
import { browserWorld } from './browser-world.js';
import { ChannelConnection } from './connection.js';
import { newPageId, Reporter } from './report.js';
import { drawChart } from './status-chart.js';
import { ago, bytes, listening, localTime, plural, roleWords, RUNG_WORDS } from './status-words.js';

/** The parts of the builder's and watcher's stats this page reads. */
interface BuildPart {
  perEntry: Record<string, { builds: number; lastMs: number; failed: boolean }>;
}
interface WatchPart {
  polling: boolean;
  thread: string;
  ready: boolean;
  readyMs: number | null;
  changeSets: number;
  unchanged: number;
}
type Status = StatusReport<BuildPart, WatchPart>;

const self = new URL(import.meta.url);
const config = __DEVPUSH_CONFIG__;
let refreshing = false;
let again = false;

function element(tag: string, text = '', className = ''): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function row(cells: (string | HTMLElement)[], numeric: number[] = []): HTMLTableRowElement {
  const tr = document.createElement('tr');
  cells.forEach((cell, i) => {
    const td = element('td', typeof cell === 'string' ? cell : '', numeric.includes(i) ? 'num' : '');
    if (typeof cell !== 'string') td.append(cell);
    tr.append(td);
  });
  return tr;
}

function fill(id: string, rows: HTMLElement[], empty: string, columns: number): void {
  const body = document.getElementById(id);
  if (!body) return;
  if (rows.length) body.replaceChildren(...rows);
  else {
    const td = element('td', empty, 'empty');
    td.setAttribute('colspan', String(columns));
    const tr = document.createElement('tr');
    tr.append(td);
    body.replaceChildren(tr);
  }
}

function pageCell(client: ClientStatus): HTMLElement {
  const cell = document.createElement('span');
  cell.append(element('span', client.title || (client.url ? '(untitled page)' : 'a client without a page')));
  if (client.url) cell.append(element('span', client.url, 'sub'));
  return cell;
}

function renderClients(status: Status): void {
  const rows = status.clients.map((client) => {
    const tr = row(
      [
        pageCell(client),
        client.browser,
        listening(client),
        localTime(client.connectedSince),
        ago(client.lastHeard, status.now),
        `${plural(client.messages, 'message')}, ${bytes(client.bytes)}`,
        client.resumes ? `${plural(client.resumes, 'time')}, nothing missed` : '—',
        roleWords(client.role),
      ],
      [],
    );
    tr.dataset.page = client.id;
    if (client.rung) tr.dataset.rung = client.rung;
    return tr;
  });
  fill('clients', rows, 'No page is open.', 8);
  const count = document.getElementById('client-count');
  if (count)
    count.textContent = `(${status.clients.length}${status.clientsOmitted ? ` + ${status.clientsOmitted} more` : ''})`;
}

function renderChanges(status: Status): void {
  const rows = [...status.summaries].reverse().map((change) => {
    const saved = change.fileCount <= 3 ? change.files.join(', ') : `${change.fileCount} files`;
    const told = [...new Set(change.told.map((t) => TOLD_WORDS[t.kind]))].join(', ') || 'nothing (no page uses it)';
    return row([localTime(change.at), saved, told, String(change.pages), `${change.ms} ms`], [3, 4]);
  });
  fill('changes', rows, 'Nothing saved yet.', 5);
}

function renderBuilds(status: Status): void {
  const rows = Object.entries(status.build.perEntry).map(([entry, stats]) =>
    row(
      [
        entry,
        String(stats.builds),
        `${stats.lastMs} ms`,
        element('span', stats.failed ? 'failing' : 'ok', stats.failed ? 'bad' : 'ok'),
      ],
      [1, 2],
    ),
  );
  fill('builds', rows, 'No entry built yet (plain files only so far).', 4);
}

function renderWatcher(status: Status): void {
  const list = document.getElementById('watcher');
  const watch = status.watch;
  if (!list) return;
  const pairs: [string, string][] = watch
    ? [
        ['Watching by', watch.polling ? 'polling the disk' : 'file-system events'],
        ['Runs in', watch.thread === 'worker' ? 'its own thread' : 'the server thread'],
        ['First scan', watch.ready ? `done in ${watch.readyMs ?? '?'} ms` : 'still running'],
        ['Changes seen', String(watch.changeSets)],
        ['Saves that changed nothing', `${watch.unchanged} (nothing sent)`],
      ]
    : [['State', 'not running']];
  list.replaceChildren(...pairs.flatMap(([term, value]) => [element('dt', term), element('dd', value)]));
}

function renderRungs(status: Status): void {
  const rows = TRANSPORT_NAMES.map((name) => {
    const stats = status.transports[name];
    const tr = row(
      [RUNG_WORDS[name], ...TRANSPORT_STAT_COLUMNS.map((column) => String(stats[column]))],
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    tr.dataset.rung = name;
    return tr;
  });
  fill('rungs', rows, '', 9);
}

function render(status: Status): void {
  renderClients(status);
  drawChart(document.getElementById('chart')!, document.getElementById('chart-legend')!, status.volume);
  renderChanges(status);
  renderBuilds(status);
  renderWatcher(status);
  renderRungs(status);
  const run = document.getElementById('run');
  if (run)
    run.textContent = `server run ${status.bootId}, ${plural(status.seq, 'change message')} so far, updated ${localTime(status.now)}`;
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
    if (response.ok) render((await response.json()) as Status);
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

const pageId = newPageId();
const reporter = new Reporter(self.origin, config, pageId, () => connection.sharing);
const connection = new ChannelConnection(
  browserWorld(self.origin, pageId),
  config,
  self.searchParams.get(CURSOR_PARAM),
  {
    message: () => void refresh(),
    heard: () => void refresh(),
    state(state, transport) {
      const words = state === 'up' ? 'connected' : state === 'down' ? 'disconnected, retrying' : 'connecting';
      const element = document.getElementById('state');
      if (element) element.textContent = transport ? `${words} (${RUNG_WORDS[transport]})` : words;
      if (state === 'up') reporter.presence(true);
      void refresh();
    },
  },
);
reporter.watchErrors();
connection.start();
// "Last heard" ages between messages; a second's refresh keeps it true without a message to wait for.
setInterval(() => void refresh(), 2000);
setInterval(() => reporter.presence(connection.sharing === 'follower'), config.heartbeatMs);
