// Module versions: a Merkle hash over the graph. A module's served bytes are its own transformed code with
// its imports' versions written in, so its version hashes its own content and its imports' versions: the
// bytes at a versioned URL can never change, across restarts too. The members of an import cycle share
// one hash of all their contents (each adds its own URL), so cycles need no special case elsewhere.
import { createHash } from 'node:crypto';
import type { ModuleGraph } from './graph.js';

const LENGTH = 12;

/**
 * `own(url)`: a hash of what the module itself contributes (its code, its resolutions); null if unknown.
 * With `update`, only the modules it names are hashed again (a change set's importer closure: nothing
 * else can move), the rest are kept from its `previous` versions: a save in a graph of a thousand
 * modules hashes the few on the way up from it, not the thousand.
 */
export function computeVersions(
  graph: ModuleGraph,
  own: (url: string) => string | null,
  update?: { previous: ReadonlyMap<string, string>; only: ReadonlySet<string> },
): Map<string, string> {
  const versions = new Map(update?.previous ?? []);
  for (const component of graph.components(update?.only)) {
    const members = new Set(component);
    const hash = createHash('sha256');
    for (const url of [...component].sort()) {
      hash.update(`${url}\0${own(url) ?? 'unknown'}\0`);
      const outside = [...graph.importsOf(url)].filter((dep) => !members.has(dep)).sort();
      for (const dep of outside) hash.update(`${dep}=${versions.get(dep) ?? 'unknown'}\0`);
    }
    const shared = hash.digest('hex');
    for (const url of component) {
      const version = component.length === 1 ? shared : createHash('sha256').update(`${shared}\0${url}`).digest('hex');
      versions.set(url, version.slice(0, LENGTH));
    }
  }
  return versions;
}
