import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModuleGraph } from '../../src/modules/graph.js';
import { computeVersions } from '../../src/modules/versions.js';

/** A graph from `a: b c` lines (a imports b and c). */
function graphOf(edges: Record<string, string[]>): ModuleGraph {
  const graph = new ModuleGraph();
  for (const [url, imports] of Object.entries(edges)) graph.setImports(url, imports);
  return graph;
}

describe('ModuleGraph', () => {
  it('keeps importers in step with imports, both ways, when a module changes its imports', () => {
    const graph = graphOf({ '/main': ['/a', '/b'], '/a': ['/b'] });
    expect([...graph.importersOf('/b')].sort()).toEqual(['/a', '/main']);
    graph.setImports('/main', ['/a']);
    expect([...graph.importersOf('/b')]).toEqual(['/a']);
    expect([...graph.importsOf('/main')]).toEqual(['/a']);
  });

  it('walks up to every transitive importer, once each, through cycles', () => {
    const graph = graphOf({ '/main': ['/a'], '/a': ['/b'], '/b': ['/a', '/leaf'], '/other': ['/x'] });
    expect([...graph.importerClosure(['/leaf'])].sort()).toEqual(['/a', '/b', '/leaf', '/main']);
    expect([...graph.importerClosure(['/x'])].sort()).toEqual(['/other', '/x']);
  });

  it('lists what a page reaches by static imports only (dynamic ones load later)', () => {
    const graph = new ModuleGraph();
    graph.setImports('/main', ['/a', '/lazy'], ['/a']);
    graph.setImports('/a', ['/b']);
    graph.setImports('/lazy', ['/c']);
    expect(graph.staticClosure('/main').sort()).toEqual(['/a', '/b']);
  });

  it('finds strongly connected components with dependencies first', () => {
    const graph = graphOf({ '/main': ['/a'], '/a': ['/b'], '/b': ['/a', '/leaf'] });
    const components = graph.components().map((c) => c.sort());
    const position = (url: string) => components.findIndex((c) => c.includes(url));
    expect(components).toContainEqual(['/a', '/b']);
    expect(position('/leaf')).toBeLessThan(position('/a'));
    expect(position('/a')).toBeLessThan(position('/main'));
  });
});

describe('computeVersions', () => {
  const own = (contents: Record<string, string>) => (url: string) => contents[url] ?? null;

  it('moves the version of a changed module and of its importers, and of nothing else', () => {
    const graph = graphOf({ '/main': ['/a', '/c'], '/a': ['/leaf'], '/c': [] });
    const contents = { '/main': 'm', '/a': 'a', '/leaf': 'l1', '/c': 'c' };
    const before = computeVersions(graph, own(contents));
    const after = computeVersions(graph, own({ ...contents, '/leaf': 'l2' }));
    const moved = [...after].filter(([url, version]) => before.get(url) !== version).map(([url]) => url);
    expect(moved.sort()).toEqual(['/a', '/leaf', '/main']);
  });

  it('is the same for the same contents (versioned URLs survive a restart)', () => {
    const edges = { '/main': ['/a'], '/a': ['/b'], '/b': ['/a'] };
    const contents = { '/main': 'm', '/a': 'a', '/b': 'b' };
    expect(computeVersions(graphOf(edges), own(contents))).toEqual(computeVersions(graphOf(edges), own(contents)));
  });

  it('gives each member of a cycle its own version, and moves all of them when one changes', () => {
    const graph = graphOf({ '/a': ['/b'], '/b': ['/a'] });
    const before = computeVersions(graph, own({ '/a': 'a', '/b': 'b' }));
    expect(before.get('/a')).not.toBe(before.get('/b'));
    const after = computeVersions(graph, own({ '/a': 'a', '/b': 'b2' }));
    expect(after.get('/a')).not.toBe(before.get('/a'));
    expect(after.get('/b')).not.toBe(before.get('/b'));
  });
});

describe('computeVersions, hashing only what a change can move', () => {
  const urls = ['/m0', '/m1', '/m2', '/m3', '/m4', '/m5', '/m6', '/m7'];
  const edgesArb = fc.array(fc.tuple(fc.constantFrom(...urls), fc.constantFrom(...urls)), { maxLength: 20 });
  const contentsArb = fc.dictionary(fc.constantFrom(...urls), fc.string({ maxLength: 3 }));

  it('gives what a full hash gives, for any graph (cycles included), any edit and any new imports', () => {
    fc.assert(
      fc.property(edgesArb, contentsArb, contentsArb, edgesArb, (edges, before, edit, added) => {
        const graph = new ModuleGraph();
        const importsOf = (pairs: Array<[string, string]>, url: string) =>
          pairs.flatMap(([from, to]) => (from === url ? [to] : []));
        for (const url of urls) graph.setImports(url, importsOf(edges, url));
        const previous = computeVersions(graph, (url) => before[url] ?? null);
        // The edit: new contents for some modules, new imports for some of them.
        const after = { ...before, ...edit };
        const changed = new Set(Object.keys(edit));
        for (const [from] of added) changed.add(from);
        for (const url of changed) graph.setImports(url, [...importsOf(edges, url), ...importsOf(added, url)]);
        const own = (url: string) => after[url] ?? null;
        const only = graph.importerClosure(changed);
        expect(computeVersions(graph, own, { previous, only })).toEqual(computeVersions(graph, own));
      }),
    );
  });
});
