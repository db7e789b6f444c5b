/// <reference path="./client-assets.d.ts" />
// Types of `import.meta.hot` for projects served by devpush. Add `"types": ["devpush/client"]` to the
// project's tsconfig (or `/// <reference types="devpush/client" />` in one file) and
// `if (import.meta.hot) import.meta.hot.accept()` type-checks. `import.meta.hot` is undefined wherever
// HMR is off (the bundled path, production builds), so guarded code costs nothing there.

/** A module's exports, as `import()` gives them. */
export type ModuleNamespace = Record<string, unknown> & { [Symbol.toStringTag]: 'Module' };

/** devpush's own events, and any custom event the API's `server.send(event, data)` sends. */
export interface HotEvents {
  /** An update is about to be applied: `{ changed, modules }` of the update message. */
  'devpush:beforeUpdate': { changed: string[]; modules: { path: string; version: string }[] };
  /** An update was applied (boundaries re-ran, accept callbacks called). */
  'devpush:afterUpdate': { changed: string[]; modules: { path: string; version: string }[] };
  /** The page is about to reload; `reason` says why (e.g. no module accepted a change). */
  'devpush:beforeFullReload': { reason: string };
  /** A module failed to re-run or an accept callback threw; the page keeps the previous code. */
  'devpush:error': { path: string; message: string };
}

export interface HotContext {
  /** Kept across updates of this module: write state into it in `dispose`, read it back on the re-run. */
  readonly data: Record<string, unknown>;
  /** This module accepts its own updates: it re-runs in place; `cb` gets the new module. */
  accept(cb?: (module: ModuleNamespace | undefined) => void): void;
  /** This module accepts updates of `dep` (a specifier as written in its imports); `cb` gets the new module. */
  accept(dep: string, cb: (module: ModuleNamespace | undefined) => void): void;
  /** This module accepts updates of these deps; `cb` gets the new modules, in the same order (undefined if unchanged). */
  accept(deps: readonly string[], cb: (modules: Array<ModuleNamespace | undefined>) => void): void;
  /** Runs before this module is replaced: clean up side effects, keep state in `data`. */
  dispose(cb: (data: Record<string, unknown>) => void | Promise<void>): void;
  /** Runs when an update leaves this module imported by no module of the page any more. */
  prune(cb: (data: Record<string, unknown>) => void | Promise<void>): void;
  /** Gives up on this update: it propagates to this module's importers (a reload if none accepts). */
  invalidate(message?: string): void;
  on<E extends keyof HotEvents>(event: E, cb: (payload: HotEvents[E]) => void): void;
  // biome-ignore lint/suspicious/noExplicitAny: a custom event carries whatever server.send sent; the listener types it
  on(event: string, cb: (payload: any) => void): void;
  off<E extends keyof HotEvents>(event: E, cb: (payload: HotEvents[E]) => void): void;
  // biome-ignore lint/suspicious/noExplicitAny: as for on()
  off(event: string, cb: (payload: any) => void): void;
  /** Sends a custom event to the dev server (delivered to its report route). */
  send(event: string, data?: unknown): void;
}

declare global {
  interface ImportMeta {
    /** devpush's HMR API; undefined where HMR is off. */
    readonly hot?: HotContext;
  }
}
