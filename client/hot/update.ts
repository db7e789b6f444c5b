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
  // In three steps, so that the new code of every boundary is fetched at once (a save-all of thirty
  // modules waited for thirty fetches in turn): dispose what will re-run, in order; import every
  // accepted module at its new version together; then the accept callbacks, in order.
  const plan = [...boundaries].map(([owner, accepted]) => {
    const record = getRecord(owner);
    return { owner, accepted, selfCallbacks: record?.selfAccept ? [...record.selfAccept] : [] };
  });
  const reruns = new Map<string, Rerun>();
  const disposed = new Set<ModuleRecord>();
  for (const { owner, accepted } of plan) {
    if (!getRecord(owner)) continue;
    for (const path of accepted) if (!reruns.has(path)) reruns.set(path, await prepareRerun(path, disposed));
  }
  const fresh = new Map<string, ModuleNamespace | null>();
  await Promise.all([...reruns].map(async ([path, rerun]) => fresh.set(path, await runAgain(rerun, failures))));
  for (const { owner, accepted, selfCallbacks } of plan) callAccepts(owner, accepted, selfCallbacks, fresh, failures);
  for (const rerun of reruns.values()) if (fresh.get(rerun.path)) await pruneDropped(rerun);
  return failures;
}

function callAccepts(
  owner: string,
  accepted: Set<string>,
  selfCallbacks: Array<(module: ModuleNamespace | undefined) => void>,
  fresh: Map<string, ModuleNamespace | null>,
  failures: HotFailure[],
): void {
  const ownerRecord = getRecord(owner);
  // A module that failed to re-run keeps the previous one in the page: this boundary has nothing new.
  if (!ownerRecord || [...accepted].some((path) => !fresh.get(path))) return;
  try {
    if (accepted.has(owner)) for (const callback of selfCallbacks) callback(fresh.get(owner) ?? undefined);
    for (const accept of ownerRecord.depAccepts) {
      if (!accept.callback || !accept.deps.some((dep) => accepted.has(dep))) continue;
      const modules = accept.deps.map((dep) => fresh.get(dep) ?? undefined);
      accept.callback(accept.single ? (modules[0] as never) : modules);
    }
  } catch (error) {
    fail(failures, owner, `its accept callback threw: ${describe(error)}`);
  }
}

/** One module to run again: the instance it replaces, the URL of its new version, what it imported. */
interface Rerun {
  path: string;
  before: ModuleRecord | undefined;
  url: string;
  oldImports: Set<string>;
}

/** Disposes what will re-run with `path` (each record once, across the update); its new URL. */
async function prepareRerun(path: string, disposed: Set<ModuleRecord>): Promise<Rerun> {
  const before = getRecord(path);
  const rerun = { path, before, url: urlFor(path, before), oldImports: new Set(Object.values(before?.imports ?? {})) };
  for (const record of rerunning(path)) {
    if (disposed.has(record)) continue;
    disposed.add(record);
    await disposeRecord(record, record.disposers);
  }
  return rerun;
}

/** Imports the new version; on failure the old instance, which still runs, keeps its record. */
async function runAgain(rerun: Rerun, failures: HotFailure[]): Promise<ModuleNamespace | null> {
  try {
    return (await import(/* @vite-ignore */ rerun.url)) as ModuleNamespace;
  } catch (error) {
    // Its first line may have registered a new record before it threw: the old instance still runs.
    if (rerun.before) restoreRecord(rerun.before);
    fail(failures, rerun.path, `it failed while re-running: ${describe(error)}`);
    return null;
  }
}

/** Prunes what the new version no longer imports (once nothing else imports it either). */
async function pruneDropped(rerun: Rerun): Promise<void> {
  const nowImported = new Set(Object.values(getRecord(rerun.path)?.imports ?? {}));
  for (const dep of rerun.oldImports) if (!nowImported.has(dep)) await pruneIfOrphan(dep);
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
function urlFor(path: string, record: ModuleRecord | undefined): string {
  const version = versionOf(path);
  // A CSS or JSON module runs from `?import&v=…` (without `import` the server sends the file as it is).
  const asImport = record !== undefined && new URL(record.url, location.href).searchParams.has(IMPORT_PARAM);
  // A module imported with a query (`/src/logo.svg?raw`) keeps it before the other params, as served.
  const [file, query] = path.split('?');
  const params = [...(query ? [query] : []), ...(asImport ? [IMPORT_PARAM] : [])].map((param) => `${param}&`).join('');
  const url = version ? `${file}?${params}v=${version}` : path;
  // The URL the module runs from now, or one it ran from before (a save undone): the browser would hand
  // back that instance without running it, so the import gets a fresh `t`.
  if (!record || !hasRunFrom(url)) return url;
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
