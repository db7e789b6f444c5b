// Source modules served one by one: the states, the graph between them, their versions, the packages
// they import. Turns a change set into one update (or a reason to reload). Knows nothing of HTTP or the
// channel: server.ts answers requests with it, pipeline.ts publishes what it returns.
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { BuildProblem, ModuleStyle, ModuleVersion } from '../protocol.js';
import type { FileAccess } from '../server/paths.js';
import { forgetTsconfigs, isTsconfigFile } from '../bundle/tsconfig.js';
import { isInside } from '../fs/inside.js';
import { DependencyBundle, LOCK_FILES } from './deps.js';
import { ModuleGraph } from './graph.js';
import {
  loadState,
  type ModuleState,
  newState,
  resolutionKey,
  resolveAll,
  resolveOptions,
  TransformCache,
} from './module-state.js';
import { parseModuleId } from './queries.js';
import type { StepContext } from './steps.js';
import { computeVersions } from './versions.js';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

export interface ModuleServerOptions {
  root: string;
  config: ResolvedConfig;
  access: FileAccess;
  hotUrl: string;
  /** A module's problems changed: a list to show, or null when it is fixed. */
  onProblems(url: string, problems: BuildProblem[] | null): void;
  /** A one-line notice for the terminal (a set-up hint), each text once per run. */
  onNotice(message: string): void;
}

/** What a change set asks of the pages, as far as modules go. */
export interface ModuleOutcome {
  /** Files this set changed that the module side handled (the rest go to the static rules). */
  claimed: Set<string>;
  changed: string[];
  modules: ModuleVersion[];
  /** Set when the pages must reload instead. */
  reload: string | null;
  /** New text of the changed plain stylesheets, when small enough to ride with the update. */
  styles: ModuleStyle[];
}

/** Stylesheet text an update carries at most (all of them together); bigger ones are fetched as modules. */
const STYLES_IN_UPDATE_LIMIT = 64 * 1024;

export class ModuleServer {
  readonly graph = new ModuleGraph();
  readonly deps: DependencyBundle;
  private readonly states = new Map<string, ModuleState>();
  private readonly byFile = new Map<string, Set<string>>();
  private versions = new Map<string, string>();
  /** The packages' hash the versions were computed under (every module using a package names it). */
  private versionsDepsHash: string | null = null;
  /** Modules loaded or forgotten since the versions were last computed: they and their importers move. */
  private readonly moved = new Set<string>();
  private readonly context: StepContext;
  private lock: Promise<unknown> = Promise.resolve();
  readonly transforms = new TransformCache();
  /** Package name → whether the project can import it (see `hasPackage`). */
  private readonly packagesFound = new Map<string, boolean>();
  /** Modules a worker fetched (its entry and what it imports). */
  private readonly workerModules = new Set<string>();

  constructor(private readonly options: ModuleServerOptions) {
    this.deps = new DependencyBundle(options.root);
    const require = createRequire(path.join(options.root, 'package.json'));
    const noticed = new Set<string>();
    this.context = {
      noticeOnce(message) {
        if (noticed.has(message)) return;
        noticed.add(message);
        options.onNotice(message);
      },
      root: options.root,
      hotUrl: options.hotUrl,
      config: options.config,
      // Asked for every module (is react here?): looked up once per name until the lock files change.
      hasPackage: (name) => {
        let found = this.packagesFound.get(name);
        if (found === undefined) {
          try {
            require.resolve(`${name}/package.json`);
            found = true;
          } catch {
            found = false;
          }
          this.packagesFound.set(name, found);
        }
        return found;
      },
    };
  }

  state(url: string): ModuleState | undefined {
    return this.states.get(url);
  }

  /** A worker fetched this module: a save of it reloads the page (see `apply`). */
  markWorker(url: string): void {
    this.workerModules.add(url);
  }

  versionOf(url: string): string | undefined {
    return this.versions.get(url);
  }

  /** Work on the graph runs one piece at a time: a change set never interleaves with a crawl. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => {});
    return run;
  }

  /** Loads `root` and everything it imports (static and dynamic), its packages, and the versions. */
  crawl(root: string): Promise<void> {
    return this.exclusive(async () => {
      // Known (versions are kept current by every change set): a page's thousand module requests must
      // not each walk the graph and hash it again.
      if (this.versions.has(root) && this.states.get(root)?.sourceHash) return;
      await this.loadReachable([root]);
      await this.ensurePackages();
      this.refreshVersions([]);
    });
  }

  private async loadReachable(start: string[]): Promise<void> {
    const seen = new Set<string>();
    let frontier = start;
    while (frontier.length) {
      const next: string[] = [];
      await Promise.all(
        frontier.map(async (url) => {
          if (seen.has(url)) return;
          seen.add(url);
          const state = await this.load(url);
          if (state) next.push(...this.graph.importsOf(url));
        }),
      );
      frontier = next;
    }
  }

  /** A module known and loaded stays as it is until the watcher says its file changed. */
  private async load(url: string): Promise<ModuleState | null> {
    const known = this.states.get(url);
    if (known?.sourceHash) return known;
    const found = await this.options.access.resolve(parseModuleId(url).path);
    if (!('file' in found)) return null;
    const state = known ?? newState(url, found.file);
    this.states.set(url, state);
    this.moved.add(url);
    this.watchFile(found.file, url);
    await loadState(state, this.context, this.transforms);
    this.afterLoad(state);
    return state;
  }

  private watchFile(file: string, url: string): void {
    const urls = this.byFile.get(file) ?? new Set();
    this.byFile.set(file, urls.add(url));
  }

  private afterLoad(state: ModuleState): void {
    for (const input of state.good?.inputs ?? []) this.watchFile(input, state.url);
    const files = [...state.resolved.values()].flatMap((to) => (to.kind === 'file' ? [to] : []));
    const dynamic = new Set(state.good?.sites.filter((site) => site.dynamic).map((site) => site.specifier));
    const staticUrls = [...state.resolved].flatMap(([specifier, to]) =>
      to.kind === 'file' && !dynamic.has(specifier) ? [to.url] : [],
    );
    this.graph.setImports(
      state.url,
      files.map((to) => to.url),
      staticUrls,
    );
    const missing = [...state.resolved].flatMap(([, to]) => (to.kind === 'missing' ? [to.reason] : []));
    const problems =
      state.problems ??
      (missing.length
        ? missing.map((reason) => ({ text: `${state.url} imports ${reason}.`, location: null, frame: '' }))
        : null);
    this.options.onProblems(state.url, problems);
  }

  private packageSpecifiers(): Set<string> {
    const found = new Set<string>();
    for (const state of this.states.values())
      for (const to of state.resolved.values()) if (to.kind === 'package') found.add(to.specifier);
    return found;
  }

  /** Pre-bundles packages not bundled yet; true when the bundle changed (its URLs moved). */
  private async ensurePackages(): Promise<boolean> {
    try {
      return await this.deps.ensure(this.packageSpecifiers());
    } catch {
      this.options.onProblems('packages', [
        { text: this.deps.problem ?? 'Pre-bundling failed.', location: null, frame: '' },
      ]);
      return false;
    } finally {
      if (!this.deps.problem) this.options.onProblems('packages', null);
    }
  }

  private ownHash(url: string): string | null {
    const state = this.states.get(url);
    if (!state?.good) return null;
    const usesPackages = [...state.resolved.values()].some((to) => to.kind === 'package');
    return createHash('sha256')
      .update(`${state.good.hash}\0${resolutionKey(state)}\0${usesPackages ? this.deps.hash : ''}`)
      .digest('hex');
  }

  /** Files a module side handles: modules it has loaded, and the lock files. */
  owns(file: string): boolean {
    return this.byFile.has(file) || this.isLockFile(file);
  }

  private isLockFile(file: string): boolean {
    return path.dirname(file) === this.options.root && [...LOCK_FILES, 'package.json'].includes(path.basename(file));
  }

  /** One change set → the modules to re-import with their new versions, or a reason to reload. */
  handle(changes: Iterable<[string, string]>): Promise<ModuleOutcome> {
    return this.exclusive(() => this.apply([...changes]));
  }

  private async apply(changes: Array<[string, string]>): Promise<ModuleOutcome> {
    const outcome: ModuleOutcome = { claimed: new Set(), changed: [], modules: [], reload: null, styles: [] };
    const changedUrls = new Set<string>();
    const reloads = new Map<string, { state: ModuleState; force: boolean }>();
    let added = false;
    for (const [file, event] of changes) {
      if (event === 'add' || event === 'addDir' || event === 'unlink' || event === 'unlinkDir') added = true;
      if (this.isLockFile(file)) {
        outcome.claimed.add(file);
        outcome.reload = `${path.basename(file)} changed: the packages were bundled again`;
        this.packagesFound.clear();
        await this.deps.refresh().catch(() => {});
        continue;
      }
      if (isTsconfigFile(file) && isInside(this.options.root, file)) {
        outcome.claimed.add(file);
        outcome.reload ??= `${path.basename(file)} changed: every module was transformed again`;
        await this.transformAllAgain(changedUrls);
        continue;
      }
      for (const url of this.byFile.get(file) ?? []) {
        const state = this.states.get(url) as ModuleState;
        // An imported image is only its URL: a save changes the file, not the module; the static rules swap it.
        if (event === 'change' && state.lang === 'asset' && state.query === null) continue;
        outcome.claimed.add(file);
        // The file rules again before its new bytes are read: it may now be a symlink to somewhere else.
        if (event === 'unlink' || !('file' in (await this.options.access.resolve(parseModuleId(url).path)))) {
          outcome.reload ??= `${url} was deleted or may no longer be served`;
          this.forget(url, state.file);
          reloads.delete(url);
          continue;
        }
        // An input of the module (a stylesheet it @imports) forces it: its own bytes may not have moved.
        const force = file !== state.file || (reloads.get(url)?.force ?? false);
        reloads.set(url, { state, force });
      }
    }
    // All at once: esbuild transforms concurrently, and a save-all of thirty modules waited for each in turn.
    const reloaded = await Promise.all([...reloads.values()].map(({ state, force }) => this.reload(state, force)));
    for (const url of reloaded) if (url) changedUrls.add(url);
    // A file that appeared or went away can change what other modules' imports resolve to.
    if (added) for (const state of this.states.values()) await this.reresolve(state, changedUrls);
    await this.loadReachable([...changedUrls]);
    const before = this.deps.hash;
    if ((await this.ensurePackages()) && before !== 'none')
      outcome.reload ??= 'a new package was imported and the packages were bundled again';
    const previous = this.versions;
    this.refreshVersions(changedUrls);
    outcome.changed = [...changedUrls];
    // A worker's modules have no hot runtime of the page: the worker starts again with the page.
    const inWorker = outcome.changed.find((url) => this.workerModules.has(url));
    if (inWorker) outcome.reload ??= `${inWorker} changed (it runs in a worker)`;
    for (const [url, version] of this.versions)
      if (previous.get(url) !== version) outcome.modules.push({ path: url, version });
    outcome.styles = this.stylesOf(outcome.changed);
    return outcome;
  }

  /** Reads and transforms a module again; its URL when its code or what its imports resolve to moved. */
  private async reload(state: ModuleState, force: boolean): Promise<string | null> {
    const moved = await loadState(state, this.context, this.transforms, force).catch(() => false);
    this.afterLoad(state);
    return moved ? state.url : null;
  }

  private stylesOf(changed: string[]): ModuleStyle[] {
    const styles: ModuleStyle[] = [];
    let size = 0;
    for (const url of changed) {
      const css = this.states.get(url)?.good?.style;
      if (css === undefined) continue;
      size += css.length;
      if (size > STYLES_IN_UPDATE_LIMIT) return [];
      styles.push({ path: url, css });
    }
    return styles;
  }

  /** A tsconfig changed: its jsx, decorator and path options may change any module's code. */
  private async transformAllAgain(changedUrls: Set<string>): Promise<void> {
    forgetTsconfigs();
    this.transforms.clear();
    for (const state of this.states.values()) {
      if (await loadState(state, this.context, this.transforms, true).catch(() => false)) changedUrls.add(state.url);
      this.afterLoad(state);
    }
  }

  /** Hashes again what `changed` (and modules loaded or forgotten since) can move: they and their importers. */
  private refreshVersions(changed: Iterable<string>): void {
    const own = (url: string) => this.ownHash(url);
    if (this.versionsDepsHash !== this.deps.hash) {
      this.versions = computeVersions(this.graph, own);
    } else {
      const only = this.graph.importerClosure([...changed, ...this.moved]);
      this.versions = computeVersions(this.graph, own, { previous: this.versions, only });
      for (const url of only) if (!this.graph.has(url)) this.versions.delete(url);
    }
    this.versionsDepsHash = this.deps.hash;
    this.moved.clear();
  }

  private forget(url: string, file: string): void {
    this.moved.add(url);
    this.states.delete(url);
    this.byFile.get(file)?.delete(url);
    this.graph.remove(url);
  }

  private async reresolve(state: ModuleState, changedUrls: Set<string>): Promise<void> {
    if (!state.good) return;
    const before = resolutionKey(state);
    await resolveAll(state, resolveOptions(this.options.config));
    if (resolutionKey(state) === before) return;
    changedUrls.add(state.url);
    this.afterLoad(state);
  }
}
