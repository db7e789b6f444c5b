import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../test/helpers/browser.js';
import { preciseNow, within } from './clock.js';

/** What the page reports about itself (see `probe` below). */
export interface PageState {
  text: string | null;
  color: string | null;
  /** The devpush client's connection state and rung, when it has one; `up:page-socket` for a peer's client. */
  channel: string | null;
  /** When the page saw this state (the page's epoch clock, sub-millisecond). */
  at: number;
  /** When this document's navigation started (the page's epoch clock). */
  navigationStart: number;
  /** When the first byte of the document arrived (the page's epoch clock), once it has. */
  documentAt: number | null;
}

export interface Report {
  state: PageState;
  /** When the bench received the report (the bench's clock); `at` is the better time, this the check. */
  receivedAt: number;
}

/**
 * Runs in every document before the page's own scripts (and again after each reload): reports #marker's
 * text and color, and the devpush client's state (`window.__devpush`), each time one of them changes.
 * Changes are caught by a MutationObserver (scripts writing the DOM), load events in capture (a swapped
 * stylesheet applies when it loads), a 4 ms interval and a frame callback for anything events miss.
 * A peer's client (Vite's) has no `window.__devpush`: a WebSocket of the page that opened stands for it.
 */
function probe(): void {
  const report = (window as unknown as { __benchReport(state: unknown): void }).__benchReport;
  let last = '';
  let pageSocketOpen = false;
  const PageSocket = window.WebSocket;
  window.WebSocket = class extends PageSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => {
        pageSocketOpen = true;
      });
    }
  };
  const documentArrived = () => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return entry && entry.responseStart > 0 ? performance.timeOrigin + entry.responseStart : null;
  };
  const check = () => {
    const marker = document.getElementById('marker');
    const devpush = (window as unknown as { __devpush?: { state: string; transport: string | null } }).__devpush;
    const peer = pageSocketOpen ? 'up:page-socket' : null;
    const channel = devpush ? (devpush.state === 'up' ? `up:${devpush.transport}` : devpush.state) : peer;
    const state = {
      text: marker ? marker.textContent : null,
      color: marker ? getComputedStyle(marker).color : null,
      channel,
      at: performance.timeOrigin + performance.now(),
      navigationStart: performance.timeOrigin,
      documentAt: documentArrived(),
    };
    const key = `${state.text}|${state.color}|${channel}`;
    if (key === last) return;
    last = key;
    report(state);
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
  document.addEventListener('load', check, true);
  document.addEventListener('DOMContentLoaded', check);
  // The client's connection state has no event: a short interval catches it within a few milliseconds.
  setInterval(check, 4);
  const frame = () => {
    check();
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Why browser figures cannot run, or null when a Chromium was found (scripts/bench.js looks for it). */
export function browserUnavailable(): string | null {
  return process.env.DEVPUSH_CHROMIUM ? null : 'no Chromium found (set DEVPUSH_CHROMIUM=/path/to/chrome)';
}

export class BenchBrowser {
  private constructor(readonly browser: Browser) {}

  static async launch(): Promise<BenchBrowser> {
    const executablePath = process.env.DEVPUSH_CHROMIUM;
    if (!executablePath) throw new Error(browserUnavailable()!);
    return new BenchBrowser(await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] }));
  }

  get version(): string {
    return this.browser.version();
  }

  /** A fresh context (own sessionStorage) with the probe installed, on `url` (loaded within `timeoutMs`). */
  async open(url: string, timeoutMs = 30_000): Promise<BenchPage> {
    const context = await this.browser.newContext();
    const page = await context.newPage();
    const bench = new BenchPage(context, page);
    await context.exposeBinding('__benchReport', (_source, state: PageState) => bench.receive(state));
    await context.addInitScript(probe);
    await page.goto(url, { timeout: timeoutMs });
    return bench;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

interface Waiter {
  test(state: PageState): boolean;
  resolve(report: Report): void;
}

export class BenchPage {
  private latest: Report | null = null;
  private waiters: Waiter[] = [];

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  receive(state: PageState): void {
    const report = { state, receivedAt: preciseNow() };
    this.latest = report;
    for (const waiter of [...this.waiters]) {
      if (!waiter.test(state)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(report);
    }
  }

  /**
   * Resolves with the first report matching `test`. Arm it before the action it waits for; with
   * `current`, a state already reported counts too.
   */
  waitFor(test: (state: PageState) => boolean, what: string, timeoutMs = 15_000, current = false): Promise<Report> {
    if (current && this.latest && test(this.latest.state)) return Promise.resolve(this.latest);
    return within(timeoutMs, what, new Promise<Report>((resolve) => this.waiters.push({ test, resolve })));
  }

  /** Waits until the page shows `text` and its devpush client is connected. */
  waitUntilReady(test: (state: PageState) => boolean, timeoutMs = 15_000): Promise<Report> {
    return this.waitFor(
      (s) => test(s) && s.channel?.startsWith('up:') === true,
      'the page to load and connect',
      timeoutMs,
      true,
    );
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
