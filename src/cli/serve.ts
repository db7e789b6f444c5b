import { statSync, unwatchFile, watchFile } from 'node:fs';
import path from 'node:path';
import { resolveConfig, type InlineConfig } from '../config/load.js';
import { CONFIG_FILE_NAMES } from '../config/schema.js';
import type { ResolvedConfig } from '../config/types.js';
import { DevpushError } from '../errors.js';
import { colorsOf, createLogger, type Logger } from '../log.js';
import { startDevServer } from '../server/server.js';
import { startupText, serverUrls, urlLines } from './banner.js';
import { bindShortcuts, shortcutHelp, type Shortcut } from './shortcuts.js';

/** How often the config files are looked at (stat only) for a save. */
const CONFIG_POLL_MS = 300;

/** The folder to serve: one that exists and is a folder, else a one-line error saying what to type. */
export function servedFolder(dir: string | undefined): string {
  const root = path.resolve(dir ?? '.');
  let isFile: boolean;
  try {
    isFile = !statSync(root).isDirectory();
  } catch {
    throw new DevpushError(`Folder not found: ${root}. Pass a folder that exists: devpush serve path/to/site`);
  }
  if (isFile) {
    const parent = path.relative(process.cwd(), path.dirname(root)) || '.';
    throw new DevpushError(
      `${dir} is a file; devpush serves folders. To serve the folder it is in: devpush serve ${parent}`,
    );
  }
  return root;
}

/**
 * `devpush serve`: starts the server, prints where it answers, takes single-key shortcuts in a terminal,
 * and restarts in-process when a config file is saved (or keeps the running one when the new config is
 * invalid). Resolves once the server listens; the process ends by a signal or `q`.
 */
export async function serveSession(inline: InlineConfig, version: string): Promise<void> {
  const started = performance.now();
  let config = await resolveConfig(inline);
  let log = createLogger(config.logLevel);
  let server = await startDevServer(config, log);
  const interactive = process.stdin.isTTY === true;
  log.info(
    startupText(
      {
        version,
        ms: Math.round(performance.now() - started),
        urls: serverUrls(config.server.host, server.port, schemeOf(config)),
        root: config.root,
        shortcuts: interactive,
      },
      colorsOf(log),
    ),
  );
  if (config.server.open) await openBrowser(server.url, config.server.open, log);

  let restarting: Promise<void> = Promise.resolve();
  const restart = async (file: string) => {
    let next: ResolvedConfig;
    try {
      next = await resolveConfig(inline);
    } catch (error) {
      if (!(error instanceof DevpushError)) throw error;
      log.error(`${error.message}\n(devpush keeps running with the previous config; fix the file and save again.)`);
      return;
    }
    const begun = performance.now();
    log.info(`${colorsOf(log).dim(new Date().toLocaleTimeString())} ${path.basename(file)} changed: restarting`);
    // The same port unless the config asks for another: open pages find the new server where they were.
    const port = next.server.port === config.server.port ? server.port : next.server.port;
    await server.close();
    const previous = { config, port: server.port };
    try {
      const nextLog = createLogger(next.logLevel);
      server = await startDevServer({ ...next, server: { ...next.server, port, strictPort: true } }, nextLog);
      config = next;
      log = nextLog;
    } catch (error) {
      log.error(`${(error as Error).message}\n(devpush goes on with the previous config.)`);
      server = await startDevServer(
        { ...previous.config, server: { ...previous.config.server, port: previous.port } },
        log,
      );
    }
    log.info(`  restarted in ${Math.round(performance.now() - begun)} ms; open pages reconnect and reload once.`);
    if (server.port !== previous.port)
      log.info(urlLines(serverUrls(config.server.host, server.port, schemeOf(config)), colorsOf(log)).join('\n'));
  };
  const stopWatching = watchConfigFiles(config, (file) => {
    restarting = restarting.then(() => restart(file)).catch((error: unknown) => log.error(String(error)));
  });

  let closing = false;
  const stop = (code = 0) => {
    if (closing) process.exit(130); // a second Ctrl-C does not wait
    closing = true;
    stopWatching();
    release();
    restarting
      .then(() => server.close())
      .then(
        () => process.exit(code),
        () => process.exit(1),
      );
  };
  const shortcuts: Shortcut[] = [
    {
      key: 'r',
      help: 'reload every page',
      run: () => {
        server.reload('r pressed in the terminal');
        const pages = Object.values(server.stats().transports).reduce((sum, rung) => sum + rung.connected, 0);
        log.info(
          `${colorsOf(log).dim(new Date().toLocaleTimeString())} reload sent to ${pages} ${pages === 1 ? 'page' : 'pages'}`,
        );
      },
    },
    {
      key: 'u',
      help: 'show the URLs',
      run: () =>
        log.info(urlLines(serverUrls(config.server.host, server.port, schemeOf(config)), colorsOf(log)).join('\n')),
    },
    { key: 'o', help: 'open the browser', run: () => openBrowser(server.url, config.server.open || true, log) },
    { key: 'c', help: 'clear the screen', run: () => process.stdout.write('\x1b[2J\x1b[3J\x1b[H') },
    { key: 'q', help: 'quit', run: () => stop(0) },
    { key: 'h', help: 'show this help', run: () => log.info(shortcutHelp(shortcuts)) },
  ];
  const release = bindShortcuts(
    process.stdin,
    shortcuts,
    () => stop(130),
    (error) => log.error(String(error)),
  );
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

/** Polls the config file in use and every config file name in the folder (a new one is picked up too). */
function watchConfigFiles(config: ResolvedConfig, changed: (file: string) => void): () => void {
  const files = new Set(CONFIG_FILE_NAMES.map((name) => path.join(config.root, name)));
  if (config.configFile) files.add(config.configFile);
  let timer: NodeJS.Timeout | null = null;
  const listeners = [...files].map((file) => {
    const listener = (now: { mtimeMs: number }, before: { mtimeMs: number }) => {
      if (now.mtimeMs === before.mtimeMs) return;
      // An editor's save can be a few writes: one restart for them all.
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => changed(file), 50);
    };
    watchFile(file, { interval: CONFIG_POLL_MS, persistent: false }, listener);
    return [file, listener] as const;
  });
  return () => {
    if (timer) clearTimeout(timer);
    for (const [file, listener] of listeners) unwatchFile(file, listener);
  };
}

export async function openBrowser(base: string, target: boolean | string, log: Logger): Promise<void> {
  const url = new URL(typeof target === 'string' ? target : '/', base).href;
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    child.on('error', () => log.warn(`could not open a browser; open ${url} yourself.`));
  } catch {
    log.warn(`could not open a browser; open ${url} yourself.`);
  }
}

/** `https` when devpush serves TLS (`--https`, `server.https`). */
function schemeOf(config: ResolvedConfig): 'http' | 'https' {
  return config.server.https ? 'https' : 'http';
}
