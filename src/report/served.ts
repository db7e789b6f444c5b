import { readFile, stat } from 'node:fs/promises';
import type { Builder } from '../bundle/builder.js';
import type { ModuleResponder } from '../modules/serve.js';
import type { FileAccess } from '../server/paths.js';
import { parseTarget } from '../server/paths.js';
import type { ServedReader } from './trace.js';

/** Files larger than this are not read for a code frame or a source map. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

/**
 * Reads what a GET of `urlPath` would serve: a module as served one by one (when modules are on), a build
 * output from memory, else a file of the served folder through the same path rules and deny list as every
 * request (so a stack frame can reach nothing more). Modules come first and only from the module side: the
 * builder would bundle the same path into other bytes (other lines), and the browser ran the module.
 */
export function servedReader(builder: Builder, access: FileAccess, modules: ModuleResponder | null): ServedReader {
  return async (urlPath) => {
    const target = parseTarget(urlPath);
    if ('status' in target) return null;
    if (modules?.claims(target)) return modules.text(target);
    const output = await builder.output(target.pathname);
    if (output) return Buffer.from(output.body()).toString('utf8');
    const found = await access.resolve(target.pathname);
    if (!('file' in found)) return null;
    if ((await stat(found.file)).size > MAX_READ_BYTES) return null;
    return readFile(found.file, 'utf8');
  };
}
