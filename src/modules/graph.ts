// The module graph: for each module (by URL path) what it imports and what imports it, from the lexer.
// Pure: no files, no esbuild; the unit tests drive it directly.

interface Node {
  imports: Set<string>;
  /** The subset of imports that are static (`import x from`): what a first load needs at once. */
  staticImports: Set<string>;
  importers: Set<string>;
}

export class ModuleGraph {
  private readonly nodes = new Map<string, Node>();

  private node(url: string): Node {
    const node = this.nodes.get(url) ?? { imports: new Set(), staticImports: new Set(), importers: new Set() };
    this.nodes.set(url, node);
    return node;
  }

  has(url: string): boolean {
    return this.nodes.has(url);
  }

  urls(): IterableIterator<string> {
    return this.nodes.keys();
  }

  /** Replaces the imports of `url` (static ones also listed in `staticImports`), fixing importers both ways. */
  setImports(url: string, imports: Iterable<string>, staticImports: Iterable<string> = imports): void {
    const node = this.node(url);
    for (const old of node.imports) this.nodes.get(old)?.importers.delete(url);
    node.imports = new Set(imports);
    node.staticImports = new Set(staticImports);
    for (const dep of node.imports) this.node(dep).importers.add(url);
  }

  importsOf(url: string): ReadonlySet<string> {
    return this.nodes.get(url)?.imports ?? new Set();
  }

  importersOf(url: string): ReadonlySet<string> {
    return this.nodes.get(url)?.importers ?? new Set();
  }

  /** Forgets a module's own edges (it was deleted); importers keep naming it until they change. */
  remove(url: string): void {
    const node = this.nodes.get(url);
    if (!node) return;
    this.setImports(url, []);
    if (node.importers.size === 0) this.nodes.delete(url);
  }

  /** The changed modules and everything that imports them, transitively (cycles visited once). */
  importerClosure(changed: Iterable<string>): Set<string> {
    const found = new Set<string>();
    const stack = [...changed];
    while (stack.length) {
      const url = stack.pop() as string;
      if (found.has(url)) continue;
      found.add(url);
      for (const importer of this.importersOf(url)) stack.push(importer);
    }
    return found;
  }

  /** Everything `root` reaches by static imports, itself excluded, in discovery order. */
  staticClosure(root: string): string[] {
    const seen = new Set([root]);
    const order: string[] = [];
    const stack = [root];
    while (stack.length) {
      const url = stack.pop() as string;
      for (const dep of this.nodes.get(url)?.staticImports ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        order.push(dep);
        stack.push(dep);
      }
    }
    return order;
  }

  /**
   * Strongly connected components, dependencies before their importers (Tarjan, iterative). With `within`,
   * only those modules and the edges between them (a whole component must be inside or outside it, as it
   * is for any importer closure).
   */
  components(within?: ReadonlySet<string>): string[][] {
    const inScope = (url: string) => within === undefined || within.has(url);
    const depsOf = (url: string) => [...this.importsOf(url)].filter(inScope)[Symbol.iterator]();
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const result: string[][] = [];
    let counter = 0;
    for (const start of within ?? this.nodes.keys()) {
      if (index.has(start) || !this.nodes.has(start)) continue;
      const work: Array<{ url: string; deps: Iterator<string> }> = [];
      const enter = (url: string) => {
        index.set(url, counter);
        low.set(url, counter++);
        stack.push(url);
        onStack.add(url);
        work.push({ url, deps: depsOf(url) });
      };
      enter(start);
      while (work.length) {
        const frame = work[work.length - 1] as { url: string; deps: Iterator<string> };
        const next = frame.deps.next();
        if (!next.done) {
          const dep = next.value;
          if (!index.has(dep)) enter(dep);
          else if (onStack.has(dep)) low.set(frame.url, Math.min(low.get(frame.url)!, index.get(dep)!));
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.url, Math.min(low.get(parent.url)!, low.get(frame.url)!));
        if (low.get(frame.url) === index.get(frame.url)) {
          const component: string[] = [];
          let member: string;
          do {
            member = stack.pop() as string;
            onStack.delete(member);
            component.push(member);
          } while (member !== frame.url);
          result.push(component);
        }
      }
    }
    return result;
  }
}
