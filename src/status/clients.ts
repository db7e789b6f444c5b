import type { ChannelClient, ConnectKind, HubObserver } from '../channel/hub.js';
import type { ClientStatus, HttpProtocol, MessageKind, PagePresence, ShareRole, TransportName } from '../protocol.js';
import { shortBrowser } from './user-agent.js';
import type { Volume } from './volume.js';

/** Pages tracked at most (a flood of made-up page ids cannot grow memory without bound). */
const MAX_ENTRIES = 2000;
/** Clients listed at most in one status answer (a load test may hold thousands). */
export const MAX_LISTED = 500;

interface Entry {
  id: string;
  url: string | null;
  title: string | null;
  role: ShareRole | null;
  userAgent: string;
  connections: Set<ChannelClient>;
  rung: TransportName | null;
  protocol: HttpProtocol | null;
  connectedSince: number;
  lastHeard: number;
  messages: number;
  bytes: number;
  resumes: number;
}

/**
 * Who is connected: one entry per page (joined by the page id its connections and reports carry), or per
 * connection for a client that sent none. A page without a connection of its own (a follower tab, or one
 * between reconnects) stays listed while it has been heard from within `graceMs`; a page that said it
 * closed leaves at once. Counts every delivery into `volume` too.
 */
export class ClientDirectory implements HubObserver {
  private readonly entries = new Map<string, Entry>();
  private readonly byClient = new WeakMap<ChannelClient, Entry>();
  private anonymous = 0;

  constructor(
    private readonly volume: Volume,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  attached(client: ChannelClient, _kind: ConnectKind): void {
    const identity = client.identity;
    const id = identity?.page ?? `connection-${++this.anonymous}`;
    const entry = this.entries.get(id) ?? this.create(id, identity?.userAgent ?? '');
    if (!entry) return;
    entry.connections.add(client);
    entry.rung = client.transport;
    entry.protocol = identity?.protocol ?? null;
    entry.lastHeard = this.now();
    this.byClient.set(client, entry);
  }

  resumed(client: ChannelClient): void {
    const entry = this.byClient.get(client);
    if (entry) entry.resumes++;
  }

  detached(client: ChannelClient): void {
    const entry = this.byClient.get(client);
    if (!entry) return;
    entry.connections.delete(client);
    entry.lastHeard = this.now();
    // A connection without a page id is its own entry: it ends with it.
    if (entry.connections.size === 0 && client.identity?.page == null) this.entries.delete(entry.id);
  }

  delivered(client: ChannelClient, kind: MessageKind, bytes: number): void {
    this.volume.add(kind, bytes);
    const entry = this.byClient.get(client);
    if (!entry) return;
    entry.messages++;
    entry.bytes += bytes;
  }

  heard(client: ChannelClient): void {
    const entry = this.byClient.get(client);
    if (entry) entry.lastHeard = this.now();
  }

  /** A page's report: what it shows now (URL, title, tab-sharing role). */
  presence(page: PagePresence, userAgent: string): void {
    const entry = this.entries.get(page.id) ?? this.create(page.id, userAgent);
    if (!entry) return;
    entry.url = page.url;
    entry.title = page.title;
    entry.role = page.role;
    entry.lastHeard = this.now();
  }

  /** The page said it is going away. */
  closed(pageId: string): void {
    this.entries.delete(pageId);
  }

  /** Who is there now, oldest first, at most MAX_LISTED. */
  list(): { clients: ClientStatus[]; omitted: number } {
    this.prune();
    const all = [...this.entries.values()];
    return {
      clients: all.slice(0, MAX_LISTED).map((entry) => this.describe(entry)),
      omitted: Math.max(0, all.length - MAX_LISTED),
    };
  }

  private describe(entry: Entry): ClientStatus {
    const connected = entry.connections.size > 0;
    return {
      id: entry.id,
      url: entry.url,
      title: entry.title,
      browser: shortBrowser(entry.userAgent),
      rung: connected ? entry.rung : null,
      protocol: connected ? entry.protocol : null,
      role: entry.role,
      connectedSince: entry.connectedSince,
      lastHeard: entry.lastHeard,
      messages: entry.messages,
      bytes: entry.bytes,
      resumes: entry.resumes,
      connected,
    };
  }

  private create(id: string, userAgent: string): Entry | null {
    if (this.entries.size >= MAX_ENTRIES) this.prune();
    if (this.entries.size >= MAX_ENTRIES) return null;
    const now = this.now();
    const entry: Entry = {
      id,
      url: null,
      title: null,
      role: null,
      userAgent,
      connections: new Set(),
      rung: null,
      protocol: null,
      connectedSince: now,
      lastHeard: now,
      messages: 0,
      bytes: 0,
      resumes: 0,
    };
    this.entries.set(id, entry);
    return entry;
  }

  /** Pages with no connection that have not been heard from for a while are gone. */
  private prune(): void {
    const oldest = this.now() - this.graceMs;
    for (const [id, entry] of this.entries) {
      if (entry.connections.size === 0 && entry.lastHeard < oldest) this.entries.delete(id);
    }
  }
}
