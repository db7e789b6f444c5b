// The hot runtime's bytes (dist/client/hot.js, built from client/hot/) and its URL. The URL names the
// bytes' hash, so it is the same across restarts and every module that imports it stays byte-stable.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DevpushError } from '../errors.js';
import { MODULE_VERSION_PARAM, routePath } from '../protocol.js';
import { packageRoot } from '../server/client-bundle.js';

export interface HotRuntimeFile {
  url: string;
  body: Buffer;
}

export function loadHotRuntime(): HotRuntimeFile {
  const file = path.join(packageRoot(), 'dist', 'client', 'hot.js');
  if (!existsSync(file))
    throw new DevpushError(`The hot runtime is not built (${file} is missing). Run: npm run build`);
  const body = readFileSync(file);
  const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { url: `${routePath('hot')}?${MODULE_VERSION_PARAM}=${version}`, body };
}
