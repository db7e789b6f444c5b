import { CURSOR_PARAM, routePath } from '../protocol.js';

const STYLE = `:root{color-scheme:light dark;--fg:#1d2430;--muted:#5f6b7a;--line:#d9dee5;--card:#fff;--bg:#f4f6f9;--ok:#1f8a4c;--bad:#c0392b}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ee;--muted:#9aa5b3;--line:#333b47;--card:#1b2028;--bg:#12161c}}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,sans-serif;margin:0;background:var(--bg);color:var(--fg)}
header{padding:1rem 2rem;display:flex;gap:1.5rem;align-items:baseline;flex-wrap:wrap}h1{font-size:1.25rem;margin:0}
main{padding:0 2rem 2rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem 1.25rem}section.wide{grid-column:1/-1}
h2{font-size:1rem;margin:0 0 .5rem}p.note{color:var(--muted);margin:.25rem 0 .75rem;font-size:.9em}
table{border-collapse:collapse;width:100%}th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:.85em}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sub{display:block;color:var(--muted);font-size:.85em;word-break:break-all}.ok{color:var(--ok)}.bad{color:var(--bad)}
.empty{color:var(--muted);font-style:italic}#state{font-weight:600}ul{margin:0;padding-left:1.2rem}
.legend{display:flex;gap:1rem;flex-wrap:wrap;font-size:.85em;color:var(--muted)}.legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;border-radius:2px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{color:var(--muted)}dd{margin:0}`;

/**
 * The live status page at /__devpush/: static markup that status.js (client/status-page.ts) fills in
 * and refreshes over the channel. `since` is the id current when the page was served, as for any page.
 */
export function statusPageHtml(since: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>devpush status</title><style>${STYLE}</style></head>
<body><header><h1>devpush status</h1><span>This page: <span id="state">connecting</span></span>
<span class="sub" id="run"></span></header>
<main>
<section class="wide"><h2>Pages open now <span id="client-count"></span></h2>
<p class="note">Every browser tab showing this project. “How it listens” is the way the page hears about your saves:
WebSocket first; Server-Sent Events, XHR streaming or long polling where a proxy or antivirus blocks WebSocket.
Tabs on the slower ways share one connection: one tab leads and passes messages on to the others.</p>
<table><thead><tr><th>Page</th><th>Browser</th><th>How it listens</th><th>Open since</th><th>Last heard</th>
<th>Sent to it</th><th>Came back</th><th>Tab sharing</th></tr></thead><tbody id="clients"></tbody></table></section>
<section class="wide"><h2>Messages sent per minute, last hour</h2>
<p class="note">What devpush sent to all pages, by kind. Keep-alive pings go out every heartbeat while pages are open.</p>
<div id="chart"></div><div class="legend" id="chart-legend"></div></section>
<section><h2>Recent changes</h2><p class="note">Each save (or burst of saves), what the pages were told, and how long it took from the save to the pages.</p>
<table><thead><tr><th>When</th><th>Saved</th><th>Pages were told</th><th>Pages</th><th>Took</th></tr></thead>
<tbody id="changes"></tbody></table></section>
<section><h2>Builds</h2><p class="note">TypeScript and JSX entries bundled by esbuild, from memory.</p>
<table><thead><tr><th>Entry</th><th>Builds</th><th>Last build</th><th>State</th></tr></thead><tbody id="builds"></tbody></table></section>
<section><h2>File watcher</h2><dl id="watcher"></dl></section>
<section class="wide"><h2>Connections by way of listening</h2><p class="note">Totals since the server started. A “resume” is a page that
came back after a cut and got exactly what it missed; a “resync” reloaded because the gap was too old.</p>
<table><thead><tr><th>Way</th><th>Now</th><th>Ever</th><th>Messages</th><th>Bytes</th><th>Reconnects</th><th>Resumes</th><th>Resyncs</th><th>Dropped</th></tr></thead>
<tbody id="rungs"></tbody></table></section>
</main>
<p class="note" style="padding:0 2rem">As JSON: <a href="${routePath('status')}">${routePath('status')}</a></p>
<script type="module" src="${routePath('statusScript')}?${CURSOR_PARAM}=${encodeURIComponent(since)}"></script>
</body></html>
`;
}
