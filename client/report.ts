// The upstream path: errors the page throws, `console.error` when asked, `import.meta.hot.send` events and
// the page's presence (URL, title, tab-sharing role) go to the server as small JSON POSTs, batched, with
// repeats folded and a budget of their own, so a page throwing in a loop sends a few requests a second.
import {
  REPORT_MAX_BYTES,
  REPORT_MAX_ITEMS,
  TOKEN_PARAM,
  routePath,
  type ClientConfig,
  type PageErrorKind,
  type PageErrorReport,
  type PagePresence,
  type PageReportItem,
  type ShareRole,
} from '../src/protocol.js';

const FLUSH_DELAY_MS = 100;
/** Distinct errors sent per second at most; more are counted and reported as a number. */
const ERRORS_PER_SECOND = 10;
/** After the server said "too many" (429), wait this long before the next report. */
const BACKOFF_MS = 2000;

/** A random id for this page load, sent on the channel's connections and with every report. */
export function newPageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export class Reporter {
  private queue: PageReportItem[] = [];
  private dropped = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private pausedUntil = 0;
  private budget = ERRORS_PER_SECOND;
  private budgetAt = Date.now();
  private lastPresence = '';

  constructor(
    private readonly origin: string,
    private readonly config: ClientConfig,
    readonly pageId: string,
    private readonly role: () => ShareRole,
  ) {}

  /** Listens for uncaught errors, unhandled rejections, and (when configured) console.error calls. */
  watchErrors(): void {
    addEventListener('error', (event) => {
      // Resource load errors reach window listeners only in the capture phase; this one has an ErrorEvent.
      if (!(event instanceof ErrorEvent)) return;
      const error = event.error as unknown;
      this.error(
        'error',
        describe(error) ?? event.message,
        stackOf(error) ?? `    at ${event.filename}:${event.lineno}:${event.colno}`,
      );
    });
    addEventListener('unhandledrejection', (event) => {
      const reason = event.reason as unknown;
      this.error('rejection', describe(reason) ?? String(reason), stackOf(reason) ?? '');
    });
    if (this.config.forwardConsole) this.forwardConsole();
    addEventListener('pagehide', () => this.beacon({ type: 'closed' }));
  }

  /** `import.meta.hot.send(event, data)`: the server's `server.on(event, handler)` receives it. */
  send(event: string, data: unknown): void {
    this.push({ type: 'event', event, data: data ?? null });
  }

  /** Tells the server what this page is now, when that changed (title, role) or `always`. */
  presence(always = false): void {
    const now = JSON.stringify(this.page());
    if (!always && now === this.lastPresence) return;
    this.push({ type: 'presence' });
  }

  private error(kind: PageErrorKind, message: string, stack: string): void {
    const same = this.queue.find(
      (item): item is PageErrorReport =>
        item.type === 'error' && item.kind === kind && item.message === message && item.stack === stack,
    );
    if (same) {
      same.count++;
      return;
    }
    if (!this.spend()) {
      this.dropped++;
      this.schedule();
      return;
    }
    this.push({ type: 'error', kind, message: message.slice(0, 2000), stack: stack.slice(0, 6000), count: 1 });
  }

  /** One token per distinct error, ERRORS_PER_SECOND earned back each second. */
  private spend(): boolean {
    const now = Date.now();
    this.budget = Math.min(ERRORS_PER_SECOND, this.budget + ((now - this.budgetAt) / 1000) * ERRORS_PER_SECOND);
    this.budgetAt = now;
    if (this.budget < 1) return false;
    this.budget--;
    return true;
  }

  private forwardConsole(): void {
    const original = console.error.bind(console);
    let inside = false;
    console.error = (...args: unknown[]) => {
      original(...args);
      if (inside) return;
      inside = true;
      try {
        const stack = (new Error().stack ?? '').split('\n').slice(2).join('\n');
        this.error('console', args.map((arg) => describe(arg) ?? safeString(arg)).join(' '), stack);
      } finally {
        inside = false;
      }
    };
  }

  private push(item: PageReportItem): void {
    this.queue.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const wait = Math.max(FLUSH_DELAY_MS, this.pausedUntil - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
  }

  private page(): PagePresence {
    return { id: this.pageId, url: location.href, title: document.title, role: this.role() };
  }

  private take(): PageReportItem[] {
    const items = this.queue.splice(0, REPORT_MAX_ITEMS - 1);
    if (this.dropped > 0) {
      items.push({ type: 'dropped', count: this.dropped });
      this.dropped = 0;
    }
    return items;
  }

  private body(items: PageReportItem[]): string {
    const page = this.page();
    this.lastPresence = JSON.stringify(page);
    let body = JSON.stringify({ page, items });
    // Long stacks are cut until the report fits what the server reads.
    while (
      body.length > REPORT_MAX_BYTES / 2 &&
      items.some((item) => item.type === 'error' && item.stack.length > 200)
    ) {
      for (const item of items) if (item.type === 'error') item.stack = item.stack.slice(0, item.stack.length / 2);
      body = JSON.stringify({ page, items });
    }
    return body;
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0 && this.dropped === 0) return;
    const items = this.take();
    this.inFlight = true;
    try {
      const response = await fetch(this.url(), {
        method: 'POST',
        body: this.body(items),
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        keepalive: true,
      });
      if (response.status === 429) this.pausedUntil = Date.now() + BACKOFF_MS;
    } catch {
      // The server is away: this report is lost, as the terminal it was for is.
    } finally {
      this.inFlight = false;
      if (this.queue.length || this.dropped) this.schedule();
    }
  }

  private beacon(item: PageReportItem): void {
    const items = [...this.take().slice(0, REPORT_MAX_ITEMS - 1), item];
    const body = this.body(items);
    try {
      if (navigator.sendBeacon?.(this.url(), new Blob([body], { type: 'text/plain;charset=UTF-8' }))) return;
    } catch {
      // Fall through to fetch.
    }
    void fetch(this.url(), { method: 'POST', body, keepalive: true }).catch(() => undefined);
  }

  private url(): string {
    const url = new URL(routePath('report'), this.origin);
    url.searchParams.set(TOKEN_PARAM, this.config.token);
    return url.href;
  }
}

function describe(value: unknown): string | null {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return null;
}

function stackOf(value: unknown): string | null {
  return value instanceof Error && typeof value.stack === 'string' ? value.stack : null;
}

function safeString(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

let active: Reporter | null = null;
const early: [string, unknown][] = [];

/** Makes `reporter` the one `sendToServer` uses (main.ts does, once per page). */
export function setReporter(reporter: Reporter): void {
  active = reporter;
  for (const [event, data] of early.splice(0)) reporter.send(event, data);
}

/**
 * Sends `data` to the server's `server.on(event, handler)`: the seam `import.meta.hot.send` uses. Called
 * before the client has started, the event waits for it.
 */
export function sendToServer(event: string, data?: unknown): void {
  if (active) active.send(event, data);
  else if (early.length < 100) early.push([event, data]);
}
