// The React Refresh glue (dist/client/react-refresh.js, built from client/react-refresh.ts) as served at
// `routePath('refresh')`: its bare import of the refresh runtime points at the project's pre-bundled copy, the one
// every refreshed module's prelude also names (so the packages bundle has it, and there is one runtime).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DevpushError } from '../errors.js';
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
