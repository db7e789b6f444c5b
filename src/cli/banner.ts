import type { Colors } from '../log.js';
import { isWildcardHost } from '../server/guard.js';
import { isLoopbackHost, reachableUrls } from '../server/exposure.js';

export interface ServerUrls {
  /** URLs on this machine (empty when the server listens on one outside address only). */
  local: string[];
  /** URLs other machines can use: each interface address for 0.0.0.0 / ::, never the wildcard itself. */
  network: string[];
}

function url(host: string, port: number, scheme: 'http' | 'https'): string {
  const name = host.replace(/^\[|\]$/g, '');
  // Only an IPv6 literal has a colon. Not net.isIP: its IPv6 pattern costs tens of ms to compile on
  // first use, on the start-up path before the URL is printed.
  return `${scheme}://${name.includes(':') ? `[${name}]` : name}:${port}/`;
}

/** The URLs that answer for a server listening on `host`:`port` (`https` under `--https`). */
export function serverUrls(host: string, port: number, scheme: 'http' | 'https' = 'http'): ServerUrls {
  if (isWildcardHost(host)) {
    const network = reachableUrls(host, port).map((link) => link.replace(/^http:/, `${scheme}:`));
    return { local: [url('localhost', port, scheme)], network };
  }
  if (isLoopbackHost(host)) {
    const name = host === '127.0.0.1' ? 'localhost' : host;
    return { local: [url(name, port, scheme)], network: [] };
  }
  return { local: [], network: [url(host, port, scheme)] };
}

/** The URL lines, as printed at start-up and by the `u` shortcut. */
export function urlLines(urls: ServerUrls, c: Colors): string[] {
  const arrow = c.green('➜');
  return [
    ...urls.local.map((link) => `  ${arrow}  ${c.bold('Local:')}   ${c.cyan(link)}`),
    ...urls.network.map((link) => `  ${arrow}  ${c.bold('Network:')} ${c.cyan(link)}`),
    ...(urls.local.length + urls.network.length === 0
      ? [`  ${arrow}  ${c.dim('Network: no address found on this machine')}`]
      : []),
  ];
}

export interface Banner {
  version: string;
  ms: number;
  urls: ServerUrls;
  root: string;
  /** The shortcut line is shown only where shortcuts work (a terminal). */
  shortcuts: boolean;
}

/** What the terminal shows once devpush listens. */
export function startupText(banner: Banner, c: Colors): string {
  return [
    '',
    `  ${c.bold(c.green('devpush'))} ${c.green(`v${banner.version}`)}  ${c.dim('ready in')} ${c.bold(`${banner.ms} ms`)}`,
    '',
    ...urlLines(banner.urls, c),
    `  ${c.green('➜')}  ${c.dim('Serving:')} ${banner.root}`,
    ...(banner.shortcuts
      ? [`  ${c.green('➜')}  ${c.dim('press')} ${c.bold('h')} ${c.dim('for help,')} ${c.bold('q')} ${c.dim('to quit')}`]
      : []),
    '',
  ].join('\n');
}
