import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevpushError } from '../errors.js';
import type { ClientConfig } from '../protocol.js';

/** The package's root folder, found from this file whether it runs from src/ (tests) or dist/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('devpush: package.json not found above the server code');
    dir = parent;
  }
  return dir;
}

/** Reads a built browser bundle (`client.js`, `status.js`) once at start-up and bakes in this run's settings. */
export function loadClientBundle(config: ClientConfig, name = 'client.js'): Buffer {
  const file = path.join(packageRoot(), 'dist', 'client', name);
  if (!existsSync(file)) {
    throw new DevpushError(`The browser client is not built (${file} is missing). Run: npm run build`);
  }
  const source = readFileSync(file, 'utf8');
  if (!source.includes('__DEVPUSH_CONFIG__')) throw new Error(`devpush: ${file} has no config placeholder`);
  return Buffer.from(source.replace('__DEVPUSH_CONFIG__', JSON.stringify(config)));
}
