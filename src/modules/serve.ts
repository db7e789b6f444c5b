// HTTP answers for modules: the served bytes (hot prelude + imports rewritten to versioned URLs), their
// cache headers, the packages' files, and the modulepreload links a page gets for its whole static graph.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { moduleScripts } from '../bundle/discover.js';
import { HOT_CONTEXT_BINDING, IMPORT_PARAM, MODULE_VERSION_PARAM, routePath } from '../protocol.js';
import type { FileAccess, Target } from '../server/paths.js';
import { sendText } from '../server/respond.js';
import { rewriteImports } from './lexer.js';
import { parseModuleId, requestedId, versionedUrl } from './queries.js';
import type { ModuleServer } from './module-server.js';
import type { ModuleState } from './module-state.js';
import { langOf } from './steps.js';

/** Always modules (a browser cannot run them as they are). */
const SOURCE = /\.(ts|tsx|jsx|mts)$/i;
/** Modules when the page or a module imports them as such; classic scripts are served untouched. */
const PLAIN = /\.(js|mjs)$/i;
const IMMUTABLE = 'max-age=31536000, immutable';

export class ModuleResponder {
  /** Plain .js files pages name as module scripts (never classic scripts: those get no import.meta). */
  private readonly pageModules = new Set<string>();
  private readonly served = new Map<string, { version: string; body: Buffer }>();

  constructor(
    private readonly modules: ModuleServer,
    private readonly access: FileAccess,
    private readonly hotUrl: string,
  ) {}

  /** Whether a request is for a module (rather than a static file). */
  claims(target: Target): boolean {
    const { pathname, url } = target;
    if (url.searchParams.has(IMPORT_PARAM) || SOURCE.test(pathname)) return true;
    return PLAIN.test(pathname) && (url.searchParams.has(MODULE_VERSION_PARAM) || this.pageModules.has(pathname));
  }

  async respond(req: IncomingMessage, res: ServerResponse, target: Target): Promise<void> {
    const url = requestedId(target.pathname, target.url.searchParams);
    // The same containment and deny rules as every route that reads a file, before anything is read. A
    // module already loaded passed them when its file was read (its bytes are served from memory), so
    // only the name check runs again: a page's thousand module requests skip a realpath and a stat each.
    const loaded = this.modules.state(url)?.good && !this.access.isDenied(target.pathname);
    const found = loaded ? null : await this.access.resolve(target.pathname);
    if (found && !('file' in found)) {
      sendText(res, found.status, found.reason);
      return;
    }
    await this.modules.crawl(url);
    // Browsers name a worker's script and its imports `Sec-Fetch-Dest: worker`.
    if (/^(shared)?worker$/.test(String(req.headers['sec-fetch-dest']))) this.modules.markWorker(url);
    const state = this.modules.state(url);
    const version = this.modules.versionOf(url);
    if (!state || !version) {
      sendText(res, 404, 'Not found.');
      return;
    }
    if (!state.good) {
      const text = state.problems?.[0]?.text ?? 'it could not be transformed';
      const body = `throw new Error(${JSON.stringify(`devpush: ${url}: ${text}`)});\n`;
      res.writeHead(500, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const etag = `"${version}"`;
    const current = target.url.searchParams.get(MODULE_VERSION_PARAM) === version;
    const headers = { ETag: etag, 'Cache-Control': current ? IMMUTABLE : 'no-cache' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const body = this.body(state, version);
    res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /**
   * The text `respond` would send for a module URL, or null: what a stack frame's line numbers refer to.
   * The same name and deny checks run first, so a frame can reach nothing a GET could not.
   */
  async text(target: Target): Promise<string | null> {
    const url = requestedId(target.pathname, target.url.searchParams);
    if (this.access.isDenied(target.pathname)) return null;
    if (!this.modules.state(url)?.good && !('file' in (await this.access.resolve(target.pathname)))) return null;
    await this.modules.crawl(url);
    const state = this.modules.state(url);
    const version = this.modules.versionOf(url);
    return state?.good && version ? this.body(state, version).toString('utf8') : null;
  }

  /** The bytes of a module at a version: computed once per version (they never change for it). */
  private body(state: ModuleState, version: string): Buffer {
    const cached = this.served.get(state.url);
    if (cached?.version === version) return cached.body;
    const good = state.good as NonNullable<ModuleState['good']>;
    const imports: Record<string, string> = {};
    const code = rewriteImports(good.code, good.sites, (site) => {
      const to = state.resolved.get(site.specifier);
      if (to?.kind === 'package') return this.modules.deps.urlOf(to.specifier);
      if (to?.kind !== 'file') return null;
      const { query } = parseModuleId(to.url);
      // The id (`/src/logo.svg?raw` for a queried import): the hot runtime keys module records by it.
      imports[site.specifier] = to.url;
      const asImport = query !== null || !/^(js|ts|tsx|jsx)$/.test(langOf(to.file));
      return versionedUrl(to.url, this.modules.versionOf(to.url) ?? '0', asImport);
    });
    // One line, no newline: the module's own line numbers (and its source map) stay right.
    const prelude = `import { createHotContext as ${HOT_CONTEXT_BINDING} } from ${JSON.stringify(this.hotUrl)};import.meta.hot = ${HOT_CONTEXT_BINDING}(import.meta.url, ${JSON.stringify(imports)});`;
    const body = Buffer.from(prelude + code);
    this.served.set(state.url, { version, body });
    return body;
  }

  /** Packages' files: entries are named by their bundle's hash, chunks by their content: both immutable. */
  respondDeps(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const name = pathname.slice(`${routePath('deps')}`.length);
    const body = this.modules.deps.file(name);
    if (!body) {
      sendText(res, 404, 'No such pre-bundled package file (the packages were bundled again: reload the page).');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Content-Length': body.length,
      'Cache-Control': IMMUTABLE,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /**
   * `<link rel="modulepreload">` for every module a page's module scripts reach by static imports: the
   * browser fetches the whole graph at once instead of one import level at a time.
   */
  async preloadTags(html: string, pageUrl: string): Promise<string> {
    const links: string[] = [];
    for (const script of moduleScripts(html, pageUrl)) {
      if (!SOURCE.test(script) && !PLAIN.test(script)) continue;
      this.pageModules.add(script);
      await this.modules.crawl(script);
      for (const url of this.modules.graph.staticClosure(script)) {
        const state = this.modules.state(url);
        const version = this.modules.versionOf(url);
        if (!state?.good || !version || !/^(js|ts|tsx|jsx)$/.test(state.lang)) continue;
        links.push(`<link rel="modulepreload" href="${encodeURI(url)}?${MODULE_VERSION_PARAM}=${version}">`);
      }
    }
    return links.join('');
  }
}
