import type { BuilderStats } from '../../bundle/builder.js';
import type { Hub } from '../../channel/hub.js';
import type { StatusReport } from '../../protocol.js';
import type { WatchStats } from '../../watch/watcher.js';
import { sendJson } from '../respond.js';
import { statusPageHtml } from '../status-page.js';
import { type Audience, statusReport, type RecentTimings } from '../timing.js';
import { type Handler, sendBody } from './route.js';

/** The live status page; `since` is the id current when it was served, as for any page. */
export function statusPage(hub: Hub): Handler {
  return (request) =>
    sendBody(request, statusPageHtml(hub.currentId), {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
    });
}

export interface StatusSources {
  hub: Hub;
  build(): BuilderStats;
  /** Null while the watcher is not running (before it starts, after close). */
  watch(): WatchStats | null;
  timings: RecentTimings;
  /** Who is connected, message volume, recent change summaries. */
  audience(): Audience;
}

/** The status JSON: channel, builder, watcher, recent change timings and memory. */
export function statusJson(sources: StatusSources): Handler {
  return ({ res }) => {
    const report: StatusReport<BuilderStats, WatchStats> = statusReport(
      { ...sources.hub.stats(), build: sources.build(), watch: sources.watch() },
      sources.timings.list(),
      sources.audience(),
    );
    sendJson(res, report);
    return true;
  };
}
