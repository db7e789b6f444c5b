// What the page ran: one record per module path, created when the module's first line calls
// createHotContext, replaced (keeping `data`) each time an update re-runs it. The client decides
// boundaries from these records, never from source text.
import type { ModuleNamespace } from '../../client.js';
import { IMPORT_QUERIES } from '../../src/protocol.js';

export type AcceptCallback = (modules: Array<ModuleNamespace | undefined>) => void;
export type DataCallback = (data: Record<string, unknown>) => void | Promise<void>;

export interface DepAccept {
  /** URL paths of the accepted deps. */
  deps: string[];
  callback: AcceptCallback | null;
  /** `accept(dep, cb)` passes one module, `accept([deps], cb)` an array: remembered to call back in kind. */
  single: boolean;
}

export interface ModuleRecord {
  path: string;
  /** The URL this instance ran from (`/src/a.ts?v=…`). */
  url: string;
  /** Its imports: specifier as written → URL path (static and literal dynamic ones). */
  imports: Record<string, string>;
  data: Record<string, unknown>;
  /** null: does not accept itself; otherwise the callbacks of `accept()` / `accept(cb)`. */
  selfAccept: Array<(module: ModuleNamespace | undefined) => void> | null;
  depAccepts: DepAccept[];
  disposers: DataCallback[];
  pruners: DataCallback[];
}

const records = new Map<string, ModuleRecord>();
/**
 * Every URL a module instance ran from, without its `t` param. A versioned URL names bytes, so a save
 * that puts a file back as it was (an undo) names a URL the page already ran: the browser's module map
 * would hand back that old instance without running it.
 */
const ranFrom = new Set<string>();
/** The newest version the server named for each path (an update may name modules this page never ran). */
const versions = new Map<string, string>();

/** The key a module instance is known by: its path, with its import query (`/src/logo.svg?raw`) if any. */
export function pathOf(url: string): string {
  const parsed = new URL(url, location.href);
  const query = IMPORT_QUERIES.find((name) => parsed.searchParams.has(name));
  return query ? `${parsed.pathname}?${query}` : parsed.pathname;
}

/** A module instance starts: a fresh record, keeping the data of the instance it replaces. */
export function startRecord(url: string, imports: Record<string, string>): ModuleRecord {
  const path = pathOf(url);
  const record: ModuleRecord = {
    path,
    url,
    imports,
    data: records.get(path)?.data ?? {},
    selfAccept: null,
    depAccepts: [],
    disposers: [],
    pruners: [],
  };
  records.set(path, record);
  ranFrom.add(withoutForce(url));
  return record;
}

/** Whether some instance of this page already ran from `url` (its `t` param aside). */
export function hasRunFrom(url: string): boolean {
  return ranFrom.has(withoutForce(url));
}

/** A URL without the `t` param an update adds to run a module again (path and other params as they are). */
function withoutForce(url: string): string {
  const parsed = new URL(url, location.href);
  parsed.searchParams.delete('t');
  return parsed.pathname + parsed.search;
}

export function getRecord(path: string): ModuleRecord | undefined {
  return records.get(path);
}

/** A re-run failed: the instance that still runs in the page is the one that counts. */
export function restoreRecord(record: ModuleRecord): void {
  records.set(record.path, record);
}

export function forgetRecord(path: string): void {
  records.delete(path);
}

export function rememberVersion(path: string, version: string): void {
  versions.set(path, version);
}

export function versionOf(path: string): string | undefined {
  return versions.get(path);
}

/** Importers of every module, from the imports the running instances declared. */
export function importersIndex(): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const record of records.values()) {
    for (const dep of new Set(Object.values(record.imports))) {
      const list = index.get(dep);
      if (list) list.push(record.path);
      else index.set(dep, [record.path]);
    }
  }
  return index;
}
