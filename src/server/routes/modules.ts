import type { HotRuntimeFile } from '../../modules/hot-runtime.js';
import type { ModuleResponder } from '../../modules/serve.js';
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
