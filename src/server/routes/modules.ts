import type { DependencyBundle } from '../../modules/deps.js';
import type { HotRuntimeFile } from '../../modules/hot-runtime.js';
import { REFRESH_RUNTIME } from '../../modules/refresh-step.js';
import { refreshGlue } from '../../modules/refresh-glue.js';
import type { ModuleResponder } from '../../modules/serve.js';
import { sendText } from '../respond.js';
import { type Handler, sendBody } from './route.js';

/** Source modules and `?import`s; anything else (a classic script, a page) falls through. */
export function moduleFiles(responder: ModuleResponder): Handler {
  return async (request) => {
    if (!responder.claims(request.target)) return false;
    await responder.respond(request.req, request.res, request.target);
    return true;
  };
}

/** The pre-bundled packages: immutable, from memory. */
export function packageFiles(responder: ModuleResponder): Handler {
  return (request) => {
    responder.respondDeps(request.req, request.res, request.pathname);
    return true;
  };
}

/** The hot runtime: its URL names its bytes, so that URL is cached for good. */
export function hotRuntime(hot: HotRuntimeFile): Handler {
  return (request) =>
    sendBody(request, hot.body, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control':
        `${request.url.pathname}${request.url.search}` === hot.url ? 'max-age=31536000, immutable' : 'no-cache',
    });
}

/**
 * The React Refresh glue with its runtime import pointed at the project's pre-bundled copy. Its URL stays
 * the same while the packages may be bundled again (a new package), so it is always revalidated.
 */
export function refreshGlueFile(deps: DependencyBundle): Handler {
  return async (request) => {
    const body = await refreshGlue(deps).catch(() => null);
    if (body === null) {
      // Only a project with react-refresh gets modules that import the glue.
      sendText(
        request.res,
        404,
        `React Refresh is off: ${REFRESH_RUNTIME} could not be bundled from this project (npm i -D react-refresh).`,
      );
      return true;
    }
    return sendBody(request, body, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
  };
}
