import { createHash } from 'node:crypto';
import path from 'node:path';
import { context, type BuildContext, type BuildResult, type Message } from 'esbuild';
import type { BuildProblem } from '../protocol.js';
import { toProblem } from './errors.js';

/** URL paths of files esbuild should bundle when a page asks for them. */
export const SOURCE_ENTRY = /\.(ts|tsx|jsx|mts)$/i;

export interface BuilderOptions {
  root: string;
  target: string | readonly string[];
  define: Readonly<Record<string, string>>;
  sourcemap: boolean;
}

/** What one rebuild changed, for the pipeline to turn into messages. */
export interface BuildEffect {
  entry: string;
  kind: 'js' | 'css' | 'error' | 'recovered' | 'none';
  /** URL paths of changed stylesheets (kind 'css'). */
  cssPaths: string[];
  problems: BuildProblem[];
}

interface Output {
  contents: Uint8Array;
  type: string;
  hash: string;
}

/** One source entry: its esbuild context, kept alive for incremental rebuilds, and its last good outputs. */
class Entry {
  outputs = new Map<string, Output>();
  inputs = new Set<string>();
  problems: BuildProblem[] = [];
  private ctx: Promise<BuildContext>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly urlPath: string,
    private readonly file: string,
    private readonly options: BuilderOptions,
  ) {
    this.ctx = context({
      entryPoints: [file],
      absWorkingDir: options.root,
      bundle: true,
      format: 'esm',
      write: false,
      metafile: true,
      outdir: path.dirname(file),
      entryNames: '[name]',
      target: options.target as string[],
      define: { ...options.define },
      sourcemap: options.sourcemap ? 'inline' : false,
      logLevel: 'silent',
    });
  }

  /** Rebuilds, one at a time per entry, and returns what changed in the served bytes. */
  build(): Promise<BuildEffect> {
    const run = this.queue.then(() => this.buildNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await (await this.ctx).dispose();
  }

  private async buildNow(): Promise<BuildEffect> {
    const hadProblems = this.problems.length > 0;
    let result: BuildResult<{ metafile: true; write: false }>;
    try {
      result = await (await this.ctx).rebuild();
    } catch (error) {
      const messages = (error as { errors?: Message[] }).errors ?? [];
      this.problems = messages.length
        ? messages.map((m) => toProblem(m, this.options.root))
        : [{ text: String(error), location: null, frame: '' }];
      return { entry: this.urlPath, kind: 'error', cssPaths: [], problems: this.problems };
    }
    this.problems = [];
    this.inputs = new Set(Object.keys(result.metafile.inputs).map((input) => path.resolve(this.options.root, input)));
    const changed = this.replaceOutputs(result.outputFiles);
    if (hadProblems) return { entry: this.urlPath, kind: 'recovered', cssPaths: [], problems: [] };
    if (changed.some((url) => !url.endsWith('.css'))) return { entry: this.urlPath, kind: 'js', cssPaths: [], problems: [] };
    return { entry: this.urlPath, kind: changed.length ? 'css' : 'none', cssPaths: changed, problems: [] };
  }

  /** Stores outputs under their URL paths; returns the URL paths whose bytes changed. */
  private replaceOutputs(files: { path: string; contents: Uint8Array; hash: string }[]): string[] {
    const next = new Map<string, Output>();
    const css = files.find((f) => f.path.endsWith('.css'));
    const cssUrl = `${this.urlPath}.css`;
    for (const file of files) {
      if (file.path.endsWith('.css')) {
        next.set(cssUrl, { contents: file.contents, type: 'text/css; charset=utf-8', hash: file.hash });
      } else if (file.path.endsWith('.js')) {
        const contents = css ? withStylesheet(file.contents, cssUrl) : file.contents;
        next.set(this.urlPath, { contents, type: 'text/javascript; charset=utf-8', hash: digest(contents) });
      }
    }
    const changed = [...next].filter(([url, output]) => this.outputs.get(url)?.hash !== output.hash).map(([url]) => url);
    this.outputs = next;
    return changed;
  }
}

function digest(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64url');
}

/**
 * CSS imported by an entry must apply with no tag in the page: the bundle adds its stylesheet itself,
 * as a <link> the client can later swap in place like any other.
 */
function withStylesheet(js: Uint8Array, cssUrl: string): Uint8Array {
  const prelude =
    `{const h=${JSON.stringify(cssUrl)};if(!document.querySelector('link[data-devpush-entry="'+h+'"]')){` +
    `const l=document.createElement('link');l.rel='stylesheet';l.href=h;l.dataset.devpushEntry=h;document.head.append(l)}}\n`;
  return Buffer.concat([Buffer.from(prelude), js]);
}

/** All source entries: built on first request, rebuilt when one of their inputs changes. */
export class Builder {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: BuilderOptions) {}

  /** The served output for a URL path, building the entry on first use; null when it is no entry. */
  async output(urlPath: string, file: string | null): Promise<Output | null> {
    for (const entry of this.entries.values()) {
      const output = entry.outputs.get(urlPath);
      if (output) return output;
    }
    if (!file || !SOURCE_ENTRY.test(urlPath)) return null;
    const entry = new Entry(urlPath, file, this.options);
    this.entries.set(urlPath, entry);
    await entry.build();
    return entry.outputs.get(urlPath) ?? null;
  }

  /** Problems of entries whose last build failed (a page loaded now shows them too). */
  problems(): BuildProblem[] {
    return [...this.entries.values()].flatMap((entry) => entry.problems);
  }

  /** Whether any entry uses this file. */
  uses(file: string): boolean {
    return [...this.entries.values()].some((entry) => entry.inputs.has(file));
  }

  /** Rebuilds the entries that use any of the changed files (or failed last time). */
  async rebuild(files: Iterable<string>): Promise<BuildEffect[]> {
    const changed = new Set(files);
    const affected = [...this.entries.values()].filter(
      (entry) => entry.problems.length > 0 || [...changed].some((file) => entry.inputs.has(file)),
    );
    return Promise.all(affected.map((entry) => entry.build()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.dispose()));
    this.entries.clear();
  }
}
