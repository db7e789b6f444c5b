// Every route devpush answers, in the order they are tried: one line and one comment each. To add a
// route, write its handler in routes/ and add its line here (and its rules test in test/security).
import type { Builder } from '../bundle/builder.js';
import type { Channel } from '../channel/channel.js';
import type { Modules } from '../modules/index.js';
import { ROUTE_PREFIX, routePath } from '../protocol.js';
import type { LookupOptions } from './lookup.js';
import type { FileAccess } from './paths.js';
import { buildOutput, buildOutputOnly } from './routes/build-output.js';
import { channelRoutes } from './routes/channel.js';
import { envScript } from './routes/env.js';
import { hotRuntime, moduleFiles, packageFiles, refreshGlueFile } from './routes/modules.js';
import { clientScript, pageScript } from './routes/client-script.js';
import {
  anyPath,
  at,
  type CorsHeaders,
  dispatch,
  folder,
  type Handler,
  type Route,
  under,
  withCors,
} from './routes/route.js';
import { projectFiles } from './routes/static.js';
import { type StatusSources, statusJson, statusPage } from './routes/status.js';
import { reportRoute, type ReportHandler } from './routes/report.js';
import type { HtmlTransform } from './static.js';

/** What the routes answer from; the server builds it once. */
export interface RouteSources {
  channel: Channel;
  builder: Builder;
  access: FileAccess;
  /** The public folder and the app type: how a path with no file of the root is looked up. */
  lookup: LookupOptions;
  /** The public `import.meta.env` values now. */
  env(): Readonly<Record<string, string | boolean>>;
  status: StatusSources;
  clientBundle: Buffer;
  statusBundle: Buffer;
  /** Cross-origin read headers for a listed origin (empty for any other). */
  corsHeaders: CorsHeaders;
  /** Injects the client tag (and entry stylesheets or modulepreload links) into a served page. */
  injectClient: HtmlTransform;
  /** Proxy mode: the backend answers every path devpush does not (instead of the folder's files). */
  backend: Handler | null;
  /** A page's reports (errors, hot.send events, presence): the one route taking POST. */
  report: ReportHandler;
  /** Modules served one by one with HMR; null on the bundled path (`build.bundle`). */
  modules: Modules | null;
}

/** Routes under ROUTE_PREFIX, matched on the path as sent; nothing there is ever a project file. */
function devpushRoutes(s: RouteSources): Route[] {
  return [
    // The browser client injected into every page; cached for good under the URL naming this run.
    at(routePath('client'), clientScript(s.clientBundle, s.channel.hub.bootId, s.corsHeaders)),
    // The status page's script.
    at(routePath('statusScript'), pageScript(s.statusBundle)),
    // The live status page (also without its trailing slash).
    at([routePath('statusPage'), ROUTE_PREFIX.slice(0, -1)], statusPage(s.channel.hub)),
    // The status JSON that the status page, the tests and `npm run bench` read.
    at(routePath('status'), statusJson(s.status)),
    // import.meta.env's public values, read by the modules that use it (snippet pages' too); never cached.
    at(routePath('env'), withCors(envScript(s.env), s.corsHeaders)),
    // A page's reports: POST with origin + token + body cap + limits per page (src/report/route.ts).
    at(routePath('report'), reportRoute(s.report)),
    // Images, fonts and chunks an entry imports, from the builder's memory; a miss is a 404.
    under(routePath('build'), buildOutputOnly(s.builder, s.corsHeaders)),
    // The hot runtime every served module imports; cached for good under the URL naming its bytes.
    ...(s.modules ? [at(routePath('hot'), withCors(hotRuntime(s.modules.hot), s.corsHeaders))] : []),
    // Pre-bundled packages and their chunks, from memory; a miss is a 404.
    ...(s.modules ? [under(routePath('deps'), withCors(packageFiles(s.modules.responder), s.corsHeaders))] : []),
    // The React Refresh glue that .jsx/.tsx modules of a React project import first.
    ...(s.modules ? [at(routePath('refresh'), withCors(refreshGlueFile(s.modules.server.deps), s.corsHeaders))] : []),
    // The channel's rungs and boot route; anything else under the prefix is a 404.
    anyPath(channelRoutes(s.channel, s.corsHeaders)),
  ];
}

/** The whole table, matched on the decoded path. */
export function routeTable(s: RouteSources): Route[] {
  const devpush = devpushRoutes(s);
  return [
    // devpush's own routes: reserved, even when the project has a `__devpush` folder.
    folder(ROUTE_PREFIX, (request) => dispatch(devpush, { ...request, pathname: request.url.pathname })),
    // Source modules one by one (`/src/main.ts`, `?import` of other files), through the file rules; snippet
    // pages of allowed origins may load them (CORS only on the answers this route gives).
    ...(s.modules ? [anyPath(withCors(moduleFiles(s.modules.responder), s.corsHeaders))] : []),
    // Built entries at the URL the page names (`/src/main.ts`, its `.css` and maps), from memory.
    anyPath(buildOutput(s.builder, s.corsHeaders)),
    // The project's own files (public/ at the site root, SPA fallback for page navigations), pages with the
    // client injected; in proxy mode, the backend's pages instead.
    anyPath(s.backend ?? projectFiles(s.access, s.injectClient, s.lookup)),
  ];
}
