// The module side of a project in this process, without an HTTP server: for tests that drive its
// crawl and change sets directly.
import { resolveConfig } from '../../src/config/load.js';
import { createModules, type Modules } from '../../src/modules/index.js';
import { FileAccess } from '../../src/server/paths.js';

export async function modulesOf(root: string): Promise<Modules> {
  const config = await resolveConfig({ root, server: { port: 0 } });
  return createModules(
    config,
    new FileAccess({ root, allow: [], deny: [] }),
    () => {},
    () => {},
  );
}
