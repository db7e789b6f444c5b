import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { moduleScripts } from './discover.js';
import { Entry, type BuildEffect } from './entry.js';
import type { BuildSettings } from './options.js';
import type { Served } from './outputs.js';
import { importsPackages } from './probe.js';

export type { BuildEffect } from './entry.js';
export type { Served } from './outputs.js';

/** URL paths that are always source entries: bundled by esbuild whenever a page asks for them. */
export const SOURCE_ENTRY = /\.(ts|tsx|jsx|mts)$/i;
/** Plain modules: bundled only when declared, or when a page's module script imports a package. */
const PLAIN_MODULE = /\.(js|mjs)$/i;
/** Files esbuild reads for settings (paths, jsx, package fields) that its metafile does not list as inputs. */
const RESOLUTION_SETTINGS = /^(tsconfig(\..+)?\.json|jsconfig\.json|package\.json)$/i;

export interface BuilderOptions {
  root: string;
  settings: BuildSettings;
  /** The file a URL path names, with the same containment and deny rules as every other route; null if none. */
  resolveFile(urlPath: string): Promise<string | null>;
  /** Entries no page asked for in this long lose their esbuild context (ms). @default 15 minutes */
  idleMs?: number;
}

/** Who hears about builds no change set asked for; set once the pipeline exists (`Builder.setListener`). */
export interface BuilderListener {
  /** A build that no change set asked for (first request, page discovery, declared entry) finished. */
  entryBuilt(effect: BuildEffect): void;
  /** An entry is gone (idle, or the server closes): any error it reported no longer holds. */
  entryDropped(entry: string): void;
}

export interface BuilderStats {
  /** Entries with a live esbuild context. */
  entries: number;
  /** Every esbuild build run (first builds and rebuilds). */
  builds: number;
  /** Builds caused by file changes (a burst joined into one build counts once). */
  rebuilds: number;
  /** The last change set that rebuilt something: which entries and how long it took, all included (ms). */
  lastRebuild: { entries: string[]; ms: number; at: string } | null;
  /** Per entry: builds, last build time (ms), whether its last build failed. */
  perEntry: Record<string, { builds: number; lastMs: number; failed: boolean }>;
}

const DEFAULT_IDLE_MS = 15 * 60_000;

/**
 * Every source entry: built on first request (or when a served page names it, or at start for declared
 * entries), rebuilt only when a file it read changes, outputs served from memory.
 */
export class Builder {
  private readonly entries = new Map<string, Entry>();
  /** Entries being created (a page request and page discovery can race for the same one). */
  private readonly creating = new Map<string, Promise<Entry | null>>();
  /** Entries disposed for idleness: their inputs, so that editing one still reloads the page using it. */
  private readonly dormant = new Map<string, Set<string>>();
  /** Plain modules named by pages as module scripts, and whether each needs bundling (null: not probed yet). */
  private readonly pageModules = new Map<string, { bundle: boolean; inputs: string[] } | null>();
  private readonly declared: Set<string>;
  private readonly idleTimer: NodeJS.Timeout;
  /** Entries ever created (each has exactly one first build; every other build is a rebuild). */
  private created = 0;
  /** Builds of entries since dropped, so the total never goes down. */
  private retiredBuilds = 0;
  private lastRebuild: BuilderStats['lastRebuild'] = null;
  private closed = false;
  private listener: BuilderListener | null = null;

  constructor(private readonly options: BuilderOptions) {
    this.declared = new Set(options.settings.entries);
    const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.idleTimer = setInterval(() => void this.disposeIdle(idleMs), Math.max(50, Math.min(idleMs / 2, 60_000)));
    this.idleTimer.unref();
  }

  /** Who hears about builds no change set asked for; builds before this is set are told to nobody. */
  setListener(listener: BuilderListener): void {
    this.listener = listener;
  }

  /** Builds the declared entries now, so their first request is served at once; resolves to those not found. */
  async start(): Promise<string[]> {
    const entries = await Promise.all([...this.declared].map((url) => this.entryFor(url)));
    return [...this.declared].filter((_, index) => entries[index] === null);
  }

  /**
   * Notes the module scripts of a page being served and starts building them before the browser asks.
   * Returns the stylesheets those entries are known to have, for the page to link in its head: the
   * bundle would add them too, but only once it runs, after a first paint without them.
   */
  discover(html: string, pageUrlPath: string): string[] {
    const stylesheets: string[] = [];
    for (const url of moduleScripts(html, pageUrlPath)) {
      if (PLAIN_MODULE.test(url) && !this.pageModules.has(url)) this.pageModules.set(url, null);
      if (SOURCE_ENTRY.test(url) || PLAIN_MODULE.test(url)) void this.entryFor(url);
      if (this.entries.get(url)?.outputs?.files.has(`${url}.css`)) stylesheets.push(`${url}.css`);
    }
    return stylesheets;
  }

  /** What is served at a URL path, building its entry on first use; null when the path is no build output. */
  async output(urlPath: string): Promise<Served | null> {
    const served = this.lookup(urlPath);
    if (served) return served;
    const entry = await this.entryFor(urlPath);
    if (!entry) return null;
    entry.lastUsed = Date.now();
    return entry.outputs?.files.get(urlPath) ?? failedBuildStub(entry);
  }

  /** Whether a built entry (live or dormant) read this file. */
  uses(file: string): boolean {
    for (const entry of this.entries.values()) if (entry.inputs.has(file)) return true;
    for (const inputs of this.dormant.values()) if (inputs.has(file)) return true;
    return false;
  }

  /**
   * Rebuilds the entries that read a changed file, all in parallel; every entry when a tsconfig or
   * package.json changes. A failing entry also rebuilds when a file appears or disappears (that may be
   * the import it could not resolve). Dormant entries that read a
   * changed file come back as a `js` effect: the page reloads and asks for a fresh build.
   */
  async rebuild(changes: ReadonlyMap<string, string>): Promise<BuildEffect[]> {
    const started = performance.now();
    this.forgetProbes(changes);
    const addsOrRemoves = [...changes.values()].some((event) => event !== 'change');
    const settingsChanged = [...changes.keys()].some((file) => RESOLUTION_SETTINGS.test(path.basename(file)));
    const affected = [...this.entries.values()].filter(
      (entry) =>
        settingsChanged ||
        entry.inputs.size === 0 || // its first build is still running: it may have read the old bytes
        [...changes.keys()].some((file) => entry.inputs.has(file)) ||
        (entry.problems.length > 0 && addsOrRemoves),
    );
    const woken = this.wakeDormant(changes);
    if (affected.length === 0) return woken;
    const effects = await Promise.all(affected.map((entry) => entry.build()));
    const ms = Math.round((performance.now() - started) * 10) / 10;
    this.lastRebuild = { entries: affected.map((e) => e.urlPath), ms, at: new Date().toISOString() };
    return [...effects, ...woken];
  }

  stats(): BuilderStats {
    const perEntry: BuilderStats['perEntry'] = {};
    let builds = 0;
    for (const entry of this.entries.values()) {
      builds += entry.builds;
      perEntry[entry.urlPath] = {
        builds: entry.builds,
        lastMs: Math.round(entry.lastMs * 10) / 10,
        failed: entry.problems.length > 0,
      };
    }
    const total = builds + this.retiredBuilds;
    return {
      entries: this.entries.size,
      builds: total,
      rebuilds: Math.max(0, total - this.created),
      lastRebuild: this.lastRebuild,
      perEntry,
    };
  }

  /** Disposes every esbuild context; no esbuild work is left running afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    await Promise.allSettled([...this.creating.values()]);
    await Promise.all([...this.entries.keys()].map((url) => this.drop(url)));
  }

  private lookup(urlPath: string): Served | null {
    const direct = this.entries.get(urlPath);
    if (direct?.outputs) {
      direct.lastUsed = Date.now();
      return direct.outputs.files.get(urlPath) ?? null;
    }
    for (const entry of this.entries.values()) {
      const served = entry.outputs?.files.get(urlPath);
      if (served) {
        entry.lastUsed = Date.now();
        return served;
      }
    }
    return null;
  }

  /** The entry served at this URL path, created and built once; null when the path is no entry. */
  private entryFor(urlPath: string): Promise<Entry | null> {
    // An entry being created is only handed out once its first build is done.
    const creating = this.creating.get(urlPath);
    if (creating) return creating;
    const existing = this.entries.get(urlPath);
    if (existing) return Promise.resolve(existing);
    const pending = this.create(urlPath).finally(() => this.creating.delete(urlPath));
    this.creating.set(urlPath, pending);
    return pending;
  }

  private async create(urlPath: string): Promise<Entry | null> {
    if (this.closed || !(await this.isEntry(urlPath))) return null;
    const file = await this.options.resolveFile(urlPath);
    if (!file || this.closed) return null;
    const entry = new Entry(urlPath, file, this.options.root, this.options.settings);
    this.entries.set(urlPath, entry);
    this.created++;
    this.dormant.delete(urlPath);
    const effect = await entry.build();
    this.listener?.entryBuilt(effect);
    return entry;
  }

  /** Source files always are; plain modules when declared or when a page's module script imports a package. */
  private async isEntry(urlPath: string): Promise<boolean> {
    if (SOURCE_ENTRY.test(urlPath) || this.declared.has(urlPath)) return true;
    if (!PLAIN_MODULE.test(urlPath) || !this.pageModules.has(urlPath)) return false;
    let probe = this.pageModules.get(urlPath);
    if (!probe) {
      const file = await this.options.resolveFile(urlPath);
      if (!file) return false;
      probe = await importsPackages(file, this.options.root);
      this.pageModules.set(urlPath, probe);
    }
    return probe.bundle;
  }

  /** A plain module's answer is asked again once a file it read changes (it may import a package now). */
  private forgetProbes(changes: ReadonlyMap<string, string>): void {
    for (const [url, probe] of this.pageModules) {
      if (probe?.inputs.some((file) => changes.has(file))) this.pageModules.set(url, null);
    }
  }

  private wakeDormant(changes: ReadonlyMap<string, string>): BuildEffect[] {
    const woken: BuildEffect[] = [];
    for (const [url, inputs] of this.dormant) {
      if (![...changes.keys()].some((file) => inputs.has(file))) continue;
      this.dormant.delete(url);
      woken.push({ entry: url, kind: 'js', cssPaths: [], problems: [], warnings: [], ms: 0 });
    }
    return woken;
  }

  private async disposeIdle(idleMs: number): Promise<void> {
    const now = Date.now();
    for (const entry of [...this.entries.values()]) {
      // A failing entry stays: dropping it would clear an overlay that is still true.
      if (this.declared.has(entry.urlPath) || entry.problems.length > 0 || now - entry.lastUsed < idleMs) continue;
      this.dormant.set(entry.urlPath, entry.inputs);
      await this.drop(entry.urlPath);
    }
  }

  private async drop(urlPath: string): Promise<void> {
    const entry = this.entries.get(urlPath);
    if (!entry) return;
    this.entries.delete(urlPath);
    this.retiredBuilds += entry.builds;
    await entry.dispose();
    if (entry.problems.length) this.listener?.entryDropped(urlPath);
  }
}

/**
 * What a page gets for an entry that has never built: a module that says so in the console, not a 404
 * (the error itself reaches the page as an overlay, and the fix reloads it).
 */
function failedBuildStub(entry: Entry): Served {
  const first = entry.problems[0];
  const where = first?.location ? ` (${first.location.file}:${first.location.line}:${first.location.column})` : '';
  const text = `devpush: ${entry.urlPath} does not build yet: ${first?.text ?? 'unknown error'}${where}`;
  const body = Buffer.from(`console.error(${JSON.stringify(text)});\n`);
  return { type: 'text/javascript; charset=utf-8', hash: 'failed', body: () => body };
}
