// One source module as the server knows it: its last good transform (kept while a later save fails), its
// import sites and where each points. Loading is content-addressed: same bytes, no work.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Message } from 'esbuild';
import { toProblem } from '../bundle/errors.js';
import type { BuildProblem } from '../protocol.js';
import { type ImportSite, importSites, lexerReady } from './lexer.js';
import type { ResolvedConfig } from '../config/types.js';
import { type ImportQuery, parseModuleId } from './queries.js';
import { type ResolveOptions, type Resolution, resolveSpecifier } from './resolve.js';
import { langOf, type ModuleLang, runSteps, type StepContext } from './steps.js';

export interface Transformed {
  code: string;
  sites: ImportSite[];
  /** Hash of `code`: what the module contributes to its version. */
  hash: string;
  /** Other files the code was made from (see ModuleInput.inputs). */
  inputs: string[];
  /** The CSS a plain stylesheet module applies (see ModuleInput.style). */
  style?: string;
}

export interface ModuleState {
  /** Its module id: the URL path, with the import query when it has one (`/src/logo.svg?raw`). */
  url: string;
  query: ImportQuery | null;
  file: string;
  lang: ModuleLang;
  sourceHash: string | null;
  good: Transformed | null;
  problems: BuildProblem[] | null;
  resolved: Map<string, Resolution>;
}

/**
 * Transforms by module and source hash: a save that goes back to earlier bytes (an undo, a branch switch
 * and back) costs nothing. A few versions per module, so a long session of saves holds no more than that.
 * One per run: a restart for a changed config must not serve code transformed under the old one.
 */
export class TransformCache {
  private readonly byModule = new Map<string, Map<string, Transformed>>();

  constructor(private readonly versionsKept = 4) {}

  get(url: string, sourceHash: string): Transformed | undefined {
    return this.byModule.get(url)?.get(sourceHash);
  }

  set(url: string, sourceHash: string, transformed: Transformed): void {
    const kept = this.byModule.get(url) ?? new Map<string, Transformed>();
    kept.delete(sourceHash);
    kept.set(sourceHash, transformed);
    if (kept.size > this.versionsKept) kept.delete(kept.keys().next().value as string);
    this.byModule.set(url, kept);
  }

  /** Forgets every transform (they were made under a tsconfig that changed). */
  clear(): void {
    this.byModule.clear();
  }

  /** How many transforms are held, over all modules. */
  get size(): number {
    let total = 0;
    for (const kept of this.byModule.values()) total += kept.size;
    return total;
  }
}

/** How long a module that had bytes and reads empty is given before empty is taken as its content (ms). */
export const EMPTY_RECHECK_MS = 50;
const EMPTY_HASH = sha('');

/**
 * The module's bytes. Read synchronously: a source file is small, and the promise API's four thread-pool
 * trips (open, stat, read, close) cost more than the read itself, on every save and for every module of a
 * first load. A module that had bytes and reads empty may have been caught between a save's truncation and
 * its write (an identical save made during module work, which the watcher then drops as unchanged, so
 * nothing would ask again): it is read once more after a moment, and only then taken as emptied.
 */
async function readSource(state: ModuleState): Promise<Buffer> {
  const source = readFileSync(state.file);
  if (source.length > 0 || state.sourceHash === null || state.sourceHash === EMPTY_HASH) return source;
  await new Promise((resolve) => setTimeout(resolve, EMPTY_RECHECK_MS));
  return readFileSync(state.file);
}

function sha(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function newState(url: string, file: string): ModuleState {
  const { query } = parseModuleId(url);
  return { url, query, file, lang: langOf(file), sourceHash: null, good: null, problems: null, resolved: new Map() };
}

/**
 * Reads and transforms the module when its bytes changed (or always, `force`: a file it was made from
 * changed); returns whether its code or imports moved.
 */
export async function loadState(
  state: ModuleState,
  context: StepContext,
  cache: TransformCache,
  force = false,
): Promise<boolean> {
  // Other files are only their URL to the page (their bytes are never read here), unless asked as text,
  // or as `?url`, whose module follows the file's bytes so a save reaches the importers that accept it.
  const asText = state.query === 'raw' || state.query === 'inline' || state.query === 'url';
  const source = state.lang === 'asset' && !asText ? Buffer.from(state.url) : await readSource(state);
  const sourceHash = sha(source);
  if (!force && sourceHash === state.sourceHash && (state.good || state.problems)) return false;
  state.sourceHash = sourceHash;
  let transformed = force ? undefined : cache.get(state.url, sourceHash);
  if (!transformed) {
    try {
      transformed = await transform(state, source.toString('utf8'), context);
    } catch (error) {
      state.problems = problemsOf(error, state, context.root);
      return false;
    }
    cache.set(state.url, sourceHash, transformed);
  }
  const before = state.good?.hash;
  state.good = transformed;
  state.problems = null;
  const resolvedBefore = resolutionKey(state);
  await resolveAll(state, resolveOptions(context.config));
  return before !== transformed.hash || resolvedBefore !== resolutionKey(state);
}

async function transform(state: ModuleState, code: string, context: StepContext): Promise<Transformed> {
  const { path: url, query } = parseModuleId(state.url);
  const output = await runSteps({ file: state.file, url, query, code, lang: state.lang }, context);
  await lexerReady();
  return {
    code: output.code,
    sites: importSites(output.code),
    hash: sha(output.code),
    inputs: output.inputs ?? [],
    ...(output.style !== undefined && { style: output.style }),
  };
}

/** Where every import points now (a file added or removed elsewhere can change it). */
export async function resolveAll(state: ModuleState, options: ResolveOptions): Promise<void> {
  const resolved = new Map<string, Resolution>();
  for (const site of state.good?.sites ?? []) {
    if (!resolved.has(site.specifier))
      resolved.set(site.specifier, await resolveSpecifier(site.specifier, state.file, options));
  }
  state.resolved = resolved;
}

/** Where a project's modules look for their imports. */
export function resolveOptions(config: ResolvedConfig): ResolveOptions {
  return { root: config.root, publicDir: config.publicDir, alias: config.build.alias };
}

export function resolutionKey(state: ModuleState): string {
  return JSON.stringify(
    [...state.resolved].map(([specifier, to]) => [specifier, to.kind === 'file' ? to.url : to.kind]),
  );
}

function problemsOf(error: unknown, state: ModuleState, root: string): BuildProblem[] {
  const messages = (error as { errors?: Message[] }).errors;
  if (Array.isArray(messages) && messages.length) {
    return messages.map((message) =>
      toProblem({ ...message, location: message.location && { ...message.location, file: state.file } }, root),
    );
  }
  const text = `${state.url}: ${error instanceof Error ? error.message : String(error)}`;
  return [{ text, location: null, frame: '' }];
}
