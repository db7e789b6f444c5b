import { statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BuildContext, Message, Metafile, OutputFile } from 'esbuild';
import { esbuildService } from '../esbuild.js';
import type { BuildProblem } from '../protocol.js';
import { toProblem, withoutRoot } from './errors.js';
import { entryOptions, type BuildSettings } from './options.js';
import { collectOutputs, type EntryOutputs } from './outputs.js';

/** What one build changed in the served bytes, for the pipeline to turn into messages. */
export interface BuildEffect {
  /** URL path of the entry. */
  entry: string;
  /**
   * js: the bundle changed (reload); css: only its stylesheet changed (swap); none: same bytes as before;
   * error: the build failed (the last good output stays served); recovered: it builds again after failing.
   */
  kind: 'js' | 'css' | 'none' | 'error' | 'recovered';
  /** URL paths of changed stylesheets (kind css). */
  cssPaths: string[];
  problems: BuildProblem[];
  warnings: BuildProblem[];
  /** Wall time of the esbuild build (ms). */
  ms: number;
}

type Built = { outputFiles: OutputFile[]; metafile: Metafile; warnings: Message[] };

/** Builds of one entry for one change, at most, while its inputs keep being written during them. */
const MAX_BUILDS_PER_CHANGE = 3;

/**
 * Whether a source file among `inputs` was written after `since` (a `Date.now()`), packages aside. Only
 * from the next whole millisecond: `since` is rounded down, so a save just before it may share its number
 * (file clocks only lag, so nothing written before `since` can look later).
 */
function writtenSince(inputs: Iterable<string>, root: string, since: number): boolean {
  for (const input of inputs) {
    const file = path.resolve(root, input);
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats && stats.mtimeMs >= since + 1) return true;
  }
  return false;
}

/**
 * One source entry: its esbuild context, kept alive for incremental rebuilds, and its last good output.
 * Builds run one at a time; requests that arrive while one is queued join it, so a burst gives one build.
 */
export class Entry {
  outputs: EntryOutputs | null = null;
  /** Absolute paths of every file the last good build read (plus files named by current errors). */
  inputs = new Set<string>();
  problems: BuildProblem[] = [];
  builds = 0;
  lastMs = 0;
  /** When a page last asked for one of its outputs (for idle disposal). */
  lastUsed = Date.now();
  private ctx: Promise<BuildContext> | null = null;
  private running: Promise<BuildEffect> | null = null;
  private queued: Promise<BuildEffect> | null = null;
  private disposed = false;
  /** Lets esbuild's service stop for idleness once this entry's context is gone. */
  private releaseService: () => void = () => undefined;

  constructor(
    readonly urlPath: string,
    readonly file: string,
    private readonly root: string,
    private readonly settings: BuildSettings,
  ) {}

  /** Builds now, or after the running build; joins a build that is queued and not started yet. */
  build(): Promise<BuildEffect> {
    if (this.queued) return this.queued;
    const before = this.running ?? Promise.resolve();
    const next: Promise<BuildEffect> = before
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        this.running = next;
        return this.buildNow();
      })
      .finally(() => {
        if (this.running === next) this.running = null;
      });
    this.queued = next;
    return next;
  }

  /** Waits for any build in flight, then frees the esbuild context. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await (this.queued ?? this.running)?.catch(() => undefined);
    const ctx = this.ctx;
    this.ctx = null;
    if (ctx) await (await ctx.catch(() => null))?.dispose();
    this.releaseService();
  }

  private async buildNow(): Promise<BuildEffect> {
    const started = performance.now();
    const hadProblems = this.problems.length > 0;
    const effect = (kind: BuildEffect['kind'], cssPaths: string[] = [], warnings: Message[] = []): BuildEffect => {
      this.lastMs = performance.now() - started;
      return {
        entry: this.urlPath,
        kind,
        cssPaths,
        problems: this.problems,
        warnings: this.toProblems(warnings),
        ms: this.lastMs,
      };
    };
    if (this.disposed) return effect('none');
    let result: Built;
    try {
      result = await this.buildSettled();
    } catch (error) {
      this.problems = this.failureProblems(error);
      for (const problem of this.problems) {
        if (problem.location) this.inputs.add(path.resolve(this.root, problem.location.file));
      }
      return effect('error', [], (error as { warnings?: Message[] }).warnings ?? []);
    }
    this.problems = [];
    this.inputs = new Set(Object.keys(result.metafile.inputs).map((input) => path.resolve(this.root, input)));
    const changed = this.replaceOutputs(collectOutputs(this.urlPath, this.file, result.outputFiles));
    if (hadProblems) return effect('recovered', [], result.warnings);
    if (changed.some((url) => !url.endsWith('.css'))) return effect('js', [], result.warnings);
    return effect(changed.length ? 'css' : 'none', changed, result.warnings);
  }

  /**
   * Builds, and builds again (a few times at most) while a file the build read was written during it:
   * esbuild may have read it half-written or truncated, and the watcher, finding the final bytes equal to
   * the last ones it saw, would never ask again. A save of identical bytes during a rebuild did just that
   * (an empty module bundled in, the page showing `undefined`).
   */
  private async buildSettled(): Promise<Built> {
    for (let attempt = 1; ; attempt++) {
      const since = Date.now();
      this.builds++;
      let outcome: { result: Built } | { error: unknown };
      try {
        outcome = { result: (await (await this.context()).rebuild()) as Built };
      } catch (error) {
        outcome = { error };
      }
      const read = 'result' in outcome ? Object.keys(outcome.result.metafile.inputs) : [...this.inputs];
      if (attempt < MAX_BUILDS_PER_CHANGE && !this.disposed && writtenSince(read, this.root, since)) continue;
      if ('error' in outcome) throw outcome.error;
      return outcome.result;
    }
  }

  /** The context, created on first use; options esbuild refuses are retried on the next build. */
  private context(): Promise<BuildContext> {
    if (this.ctx) return this.ctx;
    // The context lives in esbuild's service: it stays up until the context is disposed.
    const release = esbuildService.hold();
    this.releaseService = release;
    this.ctx = esbuildService
      .use(({ context }) => context(entryOptions(this.file, this.root, this.settings)))
      .catch((error: unknown) => {
        this.ctx = null;
        release();
        throw error;
      });
    return this.ctx;
  }

  /** esbuild reports failures as `errors`; anything else (a crashed service, bad options) is one problem. */
  private failureProblems(error: unknown): BuildProblem[] {
    const messages = (error as { errors?: Message[] }).errors;
    if (messages?.length) return this.toProblems(messages);
    const text = error instanceof Error ? error.message : String(error);
    return [{ text: withoutRoot(text, this.root), location: null, frame: '' }];
  }

  private toProblems(messages: Message[]): BuildProblem[] {
    return messages.map((message) => toProblem(message, this.root));
  }

  /** Keeps the new outputs; returns the primary URL paths (bundle, stylesheet) whose bytes changed. */
  private replaceOutputs(next: EntryOutputs): string[] {
    const previous = this.outputs;
    this.outputs = next;
    if (!previous) return next.primary;
    const removed = previous.primary.filter((url) => !next.files.has(url));
    const changed = next.primary.filter((url) => previous.files.get(url)?.hash !== next.files.get(url)!.hash);
    // A stylesheet that disappears changes the bundle's prelude too, so it shows up as a JS change.
    return [...changed, ...removed];
  }
}
