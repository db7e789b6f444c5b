// React Fast Refresh in the page. Every module of the refresh step imports this first, so it runs before
// react-dom does (react-dom looks for the refresh hook once, when it loads). A module that exports only
// components is a boundary: its new version re-renders in place, state kept. Any other export, or an
// export added or removed, gives the update to the module's importers (`invalidate`).
import RefreshRuntime from 'react-refresh/runtime';

/** What the glue needs of `import.meta.hot` (devpush's HotContext; undefined where HMR is off). */
interface Hot {
  accept(callback: (module: Exports | undefined) => void): void;
  invalidate(message?: string): void;
  on(event: 'devpush:afterUpdate', callback: () => void): void;
}

type Exports = Record<string, unknown>;

RefreshRuntime.injectIntoGlobalHook(window);

let refreshPending = false;

/** Re-renders once for all the boundaries of an update (called after each accept and after the update). */
function flushRefresh(): void {
  if (!refreshPending) return;
  refreshPending = false;
  RefreshRuntime.performReactRefresh();
}

function scheduleRefresh(): void {
  refreshPending = true;
  // The update's end flushes at once; this covers an update that ends in an `invalidate` (no end event).
  setTimeout(flushRefresh, 0);
}

/** Why `next` cannot replace `previous` in place, or null when it can. */
export function refreshRefusal(previous: Exports | null, next: Exports): string | null {
  const names = Object.keys(next);
  if (previous) {
    const removed = Object.keys(previous).filter((name) => !(name in next));
    if (removed.length > 0) return `export ${removed.join(', ')} was removed, so its importers must re-run`;
    const added = names.filter((name) => !(name in previous));
    if (added.length > 0) return `export ${added.join(', ')} is new, so its importers must re-run`;
  }
  if (names.length === 0) return 'it exports nothing React can refresh';
  // A value that is not a component may stay when it did not change (a re-exported constant, say).
  const other = names.filter(
    (name) => !RefreshRuntime.isLikelyComponentType(next[name]) && (!previous || previous[name] !== next[name]),
  );
  if (other.length > 0) return `it also exports ${other.join(', ')}, which is not a component`;
  return null;
}

/** Exported components the transform could not see (`export default memo(Card)`) join their family too. */
function registerExports(path: string, exports: Exports): void {
  for (const [name, value] of Object.entries(exports)) {
    if (RefreshRuntime.isLikelyComponentType(value)) RefreshRuntime.register(value, `${path} export ${name}`);
  }
}

/** Called on the first line of each transformed module with its URL path and its `import.meta.hot`. */
export function refreshModule(path: string, hot: Hot | undefined) {
  return {
    register: (type: unknown, id: string) => RefreshRuntime.register(type, `${path} ${id}`),
    signature: RefreshRuntime.createSignatureFunctionForTransform,
    /** Called on the last line of a module that exports something: accepts its updates, then checks them. */
    acceptExports(url: string): void {
      if (!hot) return;
      let current: Exports | null = null;
      // The namespace is complete once this module has run; the update that needs it comes later.
      import(/* @vite-ignore */ url).then(
        (exports: Exports) => {
          current = exports;
          registerExports(path, exports);
        },
        () => {},
      );
      hot.on('devpush:afterUpdate', flushRefresh);
      hot.accept((next) => {
        if (!next) return;
        const refusal = refreshRefusal(current, next);
        if (refusal) {
          hot.invalidate(`React Refresh cannot update ${path} in place: ${refusal}`);
          return;
        }
        registerExports(path, next);
        scheduleRefresh();
      });
    },
  };
}
