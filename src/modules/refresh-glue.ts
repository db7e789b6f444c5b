// The React Refresh glue (dist/client/react-refresh.js, built from client/react-refresh.ts) as served at
// `routePath('refresh')`: its bare import of the refresh runtime points at the project's pre-bundled copy, the one
// every refreshed module's prelude also names (so the packages bundle has it, and there is one runtime).
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { DevpushError } from '../errors.js';
import { sendText } from '../server/respond.js';
import { packageRoot } from '../server/client-bundle.js';
import type { DependencyBundle } from './deps.js';
import { REFRESH_RUNTIME } from './refresh-step.js';

let glue: string | null = null;

function loadGlue(): string {
  if (glue !== null) return glue;
  const file = path.join(packageRoot(), 'dist', 'client', 'react-refresh.js');
  if (!existsSync(file))
    throw new DevpushError(`The React Refresh glue is not built (${file} is missing). Run: npm run build`);
  glue = readFileSync(file, 'utf8');
  return glue;
}

/** The glue's bytes for the current packages bundle, or null when the runtime is not bundled (yet). */
export async function refreshGlue(deps: DependencyBundle): Promise<string | null> {
  await deps.ensure([REFRESH_RUNTIME]);
  const url = deps.urlOf(REFRESH_RUNTIME);
  if (!url) return null;
  return loadGlue().split(JSON.stringify(REFRESH_RUNTIME)).join(JSON.stringify(url));
}

export async function respondRefreshGlue(
  req: IncomingMessage,
  res: ServerResponse,
  deps: DependencyBundle,
): Promise<void> {
  const body = await refreshGlue(deps).catch(() => null);
  if (body === null) {
    // Only a project with react-refresh gets modules that import the glue.
    sendText(
      res,
      404,
      `React Refresh is off: ${REFRESH_RUNTIME} could not be bundled from this project (npm i -D react-refresh).`,
    );
    return;
  }
  const bytes = Buffer.from(body);
  // The URL stays the same while the packages bundle may be rebuilt (a new package): always revalidated.
  res.writeHead(200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Content-Length': bytes.length,
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
