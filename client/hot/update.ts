// Applying an update: find the boundaries from what the running modules registered, re-run them at their
// new versions, call the accept callbacks. A change with no boundary on some path reloads the page once.
import type { ModuleNamespace } from '../../client.js';
import {
  type HotFailure,
  IMPORT_PARAM,
  MODULE_VERSION_PARAM,
  type ModuleStyle,
  type UpdateMessage,
} from '../../src/protocol.js';
import { dropListenersOf, emit } from './events.js';
import {
  forgetRecord,
  getRecord,
  hasRunFrom,
  importersIndex,
  type ModuleRecord,
  rememberVersion,
  restoreRecord,
  versionOf,
} from './registry.js';
import { reportToServer } from './report.js';
import { updateStyle } from './styles.js';

/** Boundary owner path → the paths it re-imports (its own path when it accepts itself). */
type Boundaries = Map<string, Set<string>>;

let queue: Promise<unknown> = Promise.resolve();
let forced = 0;

/** Updates run one at a time, in the order they arrive (an `invalidate` during one runs after it). */
export function applyUpdate(message: UpdateMessage): Promise<HotFailure[]> {
  const run = queue.then(() => apply(message));
  queue = run.catch(() => {});
  return run;
}

export function invalidate(path: string, message?: string): void {
  console.info(`[devpush] ${path} invalidated its update${message ? `: ${message}` : ''}; trying its importers.`);
  queue = queue.then(() => applyFrom([path], true)).catch(() => {});
}

async function apply(message: UpdateMessage): Promise<HotFailure[]> {
  for (const { path, version } of message.modules) rememberVersion(path, version);
  const payload = { changed: message.changed, modules: message.modules };
  emit('devpush:beforeUpdate', payload);
  const styled = setStyles(message.styles ?? []);
  const failures = await applyFrom(
    message.changed.filter((path) => !styled.has(path)),
    false,
  );
  emit('devpush:afterUpdate', payload);
  return failures;
}

/**
 * Stylesheets whose new text came with the update: set in place at once, no fetch. Only for those this page
 * runs (a stylesheet it never imported stays out of it); the rest of the update goes on without them.
 */
function setStyles(styles: ModuleStyle[]): Set<string> {
  const set = new Set<string>();
  for (const { path, css } of styles) {
    if (!getRecord(path)?.selfAccept) continue;
    updateStyle(path, css);
    set.add(path);
  }
  return set;
}

async function applyFrom(changed: string[], skipSelf: boolean): Promise<HotFailure[]> {
  const boundaries: Boundaries = new Map();
  const importers = importersIndex();
  for (const path of changed) {
    const reason = propagate(path, path, importers, boundaries, skipSelf, new Set());
    if (reason) {
      fullReload(reason);
      return [];
    }
  }
  const failures: HotFailure[] = [];
  for (const [owner, accepted] of boundaries) await runBoundary(owner, accepted, failures);
  return failures;
}

/** Walks up from `path` to the nearest accepting modules; returns why the page must reload, or null. */
function propagate(
  changed: string,
  path: string,
  importers: Map<string, string[]>,
  boundaries: Boundaries,
  skipSelf: boolean,
  seen: Set<string>,
): string | null {
  if (seen.has(path)) return null;
  seen.add(path);
  const record = getRecord(path);
  if (!record) return null; // never ran in this page: nothing here uses it
  if (!skipSelf && record.selfAccept) {
    addBoundary(boundaries, path, path);
    return null;
  }
  const parents = importers.get(path) ?? [];
  if (parents.length === 0) {
    const where = path === changed ? 'the page imports it directly' : `the walk up its importers ended at ${path}`;
    return `${changed} changed and no module accepts it (${where}); add import.meta.hot.accept() to it or to an importer`;
  }
  for (const parent of parents) {
    if (getRecord(parent)?.depAccepts.some((accept) => accept.deps.includes(path))) {
      addBoundary(boundaries, parent, path);
      continue;
    }
    const reason = propagate(changed, parent, importers, boundaries, false, seen);
    if (reason) return reason;
  }
  return null;
}

function addBoundary(boundaries: Boundaries, owner: string, accepted: string): void {
  const set = boundaries.get(owner);
  if (set) set.add(accepted);
  else boundaries.set(owner, new Set([accepted]));
}

async function runBoundary(owner: string, accepted: Set<string>, failures: HotFailure[]): Promise<void> {
  const ownerRecord = getRecord(owner);
  if (!ownerRecord) return;
  const selfCallbacks = ownerRecord.selfAccept ? [...ownerRecord.selfAccept] : [];
  const fresh = new Map<string, ModuleNamespace>();
  for (const path of accepted) {
    const module = await rerun(path, failures);
    if (!module) return; // the page keeps the previous code; the failure is reported
    fresh.set(path, module);
  }
  try {
    if (accepted.has(owner)) for (const callback of selfCallbacks) callback(fresh.get(owner));
    for (const accept of ownerRecord.depAccepts) {
      if (!accept.callback || !accept.deps.some((dep) => accepted.has(dep))) continue;
      const modules = accept.deps.map((dep) => fresh.get(dep));
      accept.callback(accept.single ? (modules[0] as never) : modules);
    }
  } catch (error) {
    fail(failures, owner, `its accept callback threw: ${describe(error)}`);
  }
}

/** Disposes what will re-run, imports `path` at its newest version, prunes what it no longer imports. */
async function rerun(path: string, failures: HotFailure[]): Promise<ModuleNamespace | null> {
  const before = getRecord(path);
  const oldImports = new Set(Object.values(before?.imports ?? {}));
  const url = urlFor(path, before);
  for (const record of rerunning(path)) await disposeRecord(record, record.disposers);
  let module: ModuleNamespace;
  try {
    module = (await import(/* @vite-ignore */ url)) as ModuleNamespace;
  } catch (error) {
    // Its first line may have registered a new record before it threw: the old instance still runs.
    if (before) restoreRecord(before);
    fail(failures, path, `it failed while re-running: ${describe(error)}`);
    return null;
  }
  const after = getRecord(path);
  const nowImported = new Set(Object.values(after?.imports ?? {}));
  for (const dep of oldImports) if (!nowImported.has(dep)) await pruneIfOrphan(dep);
  return module;
}

/** `path` and every module under it whose version moved: the new instance of `path` runs their new code. */
function rerunning(path: string): ModuleRecord[] {
  const found: ModuleRecord[] = [];
  const seen = new Set<string>();
  const visit = (current: string, top: boolean) => {
    if (seen.has(current)) return;
    seen.add(current);
    const record = getRecord(current);
    if (!record) return;
    if (!top && runsNewest(current, record)) return;
    found.push(record);
    for (const dep of Object.values(record.imports)) visit(dep, false);
  };
  visit(path, true);
  return found;
}

/**
 * Whether the instance running `path` already runs its newest version: the browser keeps it (its URL did
 * not change), so it is neither re-run nor disposed. A module the server never named has not moved.
 */
function runsNewest(path: string, record: ModuleRecord): boolean {
  const version = versionOf(path);
  return version === undefined || new URL(record.url, location.href).searchParams.get(MODULE_VERSION_PARAM) === version;
}

/** The URL that runs `path` anew: its newest version; the same version again gets a fresh `t` so it re-runs. */
function urlFor(path: string, record: ModuleRecord | undefined, force = true): string {
  const version = versionOf(path);
  // A CSS or JSON module runs from `?import&v=…` (without `import` the server sends the file as it is).
  const asImport = record !== undefined && new URL(record.url, location.href).searchParams.has(IMPORT_PARAM);
  // A module imported with a query (`/src/logo.svg?raw`) keeps it before the other params, as served.
  const [file, query] = path.split('?');
  const params = [...(query ? [query] : []), ...(asImport ? [IMPORT_PARAM] : [])].map((param) => `${param}&`).join('');
  const url = version ? `${file}?${params}v=${version}` : path;
  // The URL the module runs from now, or one it ran from before (a save undone): the browser would hand
  // back that instance without running it, so the import gets a fresh `t`.
  if (!force || !record || !hasRunFrom(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}t=${++forced}`;
}

async function pruneIfOrphan(path: string): Promise<void> {
  if (importersIndex().has(path)) return;
  const record = getRecord(path);
  if (!record) return;
  await disposeRecord(record, record.pruners);
  forgetRecord(path);
  for (const dep of new Set(Object.values(record.imports))) await pruneIfOrphan(dep);
}

async function disposeRecord(record: ModuleRecord, callbacks: ModuleRecord['disposers']): Promise<void> {
  dropListenersOf(record.url);
  for (const callback of callbacks) {
    try {
      await callback(record.data);
    } catch (error) {
      console.error(`[devpush] a dispose/prune callback of ${record.path} threw:`, error);
    }
  }
}

function fail(failures: HotFailure[], path: string, what: string): void {
  const message = `${path}: ${what}. Fix it and save; the page keeps the previous version until then.`;
  console.error(`[devpush] ${message}`);
  failures.push({ path, message });
  emit('devpush:error', { path, message });
  reportToServer({ kind: 'hmr-error', path, message });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fullReload(reason: string): void {
  console.warn(`[devpush] full reload: ${reason}.`);
  emit('devpush:beforeFullReload', { reason });
  reportToServer({ kind: 'full-reload', reason });
  location.reload();
}
