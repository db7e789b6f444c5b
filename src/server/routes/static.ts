import type { FileAccess } from '../paths.js';
import { type HtmlTransform, serveStatic } from '../static.js';
import type { Handler } from './route.js';

/** The project's files, within the root and `server.fs.allow`; every miss is answered here. */
export function projectFiles(access: FileAccess, injectClient: HtmlTransform): Handler {
  return async ({ req, res, target }) => {
    await serveStatic(req, res, target, access, injectClient);
    return true;
  };
}
