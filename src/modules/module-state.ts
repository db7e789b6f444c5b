// One source module as the server knows it: its last good transform (kept while a later save fails), its
// import sites and where each points. Loading is content-addressed: same bytes, no work.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Message } from 'esbuild';
import { toProblem } from '../bundle/errors.js';
import type { BuildProblem } from '../protocol.js';
import { type ImportSite, importSites, lexerReady } from './lexer.js';
import type { ResolvedConfig } from '../config/types.js';
import { type ImportQuery, parseModuleId } from './queries.js';
import { type ResolveOptions, type Resolution, resolveSpecifier } from './resolve.js';
import { configFingerprint, langOf, type ModuleLang, runSteps, type StepContext } from './steps.js';

export interface Transformed {
  code: string;
  sites: ImportSite[];
  /** Hash of `code`: what the module contributes to its version. */
  hash: string;
  /** Other files the code was made from (see ModuleInput.inputs). */
  inputs: string[];
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

const CACHE_LIMIT = 4000;
/** Transforms by (url, source hash, config): a save that goes back to earlier bytes costs nothing. */
const transformCache = new Map<string, Transformed>();

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
export async function loadState(state: ModuleState, context: StepContext, force = false): Promise<boolean> {
  // Other files are only their URL to the page (their bytes are never read here), unless asked as text,
  // or as `?url`, whose module follows the file's bytes so a save reaches the importers that accept it.
  const asText = state.query === 'raw' || state.query === 'inline' || state.query === 'url';
  const source = state.lang === 'asset' && !asText ? Buffer.from(state.url) : await readFile(state.file);
  const sourceHash = sha(source);
  if (!force && sourceHash === state.sourceHash && (state.good || state.problems)) return false;
  state.sourceHash = sourceHash;
  const key = `${state.url}\0${sourceHash}\0${configFingerprint(context.config)}`;
  let transformed = force ? undefined : transformCache.get(key);
  if (!transformed) {
    try {
      transformed = await transform(state, source.toString('utf8'), context);
    } catch (error) {
      state.problems = problemsOf(error, state, context.root);
      return false;
    }
    if (transformCache.size >= CACHE_LIMIT) transformCache.delete(transformCache.keys().next().value as string);
    transformCache.set(key, transformed);
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
  await lexerReady;
  return { code: output.code, sites: importSites(output.code), hash: sha(output.code), inputs: output.inputs ?? [] };
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
