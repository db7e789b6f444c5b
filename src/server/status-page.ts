import { CURSOR_PARAM, routePath, TRANSPORT_STAT_COLUMNS } from '../protocol.js';

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.2rem}
table{border-collapse:collapse;margin-top:1rem}th,td{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:right}
th:first-child{text-align:left}dt{float:left;width:9rem;color:#666}dd{margin:0 0 .25rem 9rem}`;

/**
 * The live status page at /__devpush/: static markup that status.js (client/status-page.ts) fills in
 * and refreshes over the channel. `since` is the id current when the page was served, as for any page.
 */
export function statusPageHtml(since: string): string {
  const head = TRANSPORT_STAT_COLUMNS.map((name) => `<th>${name}</th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>devpush status</title><style>${STYLE}</style></head>
<body><h1>devpush status</h1>
<dl><dt>this page</dt><dd id="state">connecting</dd><dt>server run</dt><dd id="boot"></dd>
<dt>last seq</dt><dd id="seq"></dd><dt>replay ring</dt><dd id="ring"></dd><dt>last change</dt><dd id="last"></dd></dl>
<table><thead><tr><th>rung</th>${head}</tr></thead><tbody id="rungs"></tbody></table>
<p>As JSON: <a href="${routePath('status')}">${routePath('status')}</a></p>
<script type="module" src="${routePath('statusScript')}?${CURSOR_PARAM}=${encodeURIComponent(since)}"></script>
</body></html>
`;
}
