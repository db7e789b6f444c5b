// React Fast Refresh in the page. Every module of the refresh step imports this first, so it runs before
// react-dom does (react-dom looks for the refresh hook once, when it loads). A module that exports only
// components is a boundary: its new version re-renders in place, state kept. Any other export, or an
// export added or removed, gives the update to the module's importers (`invalidate`).
import RefreshRuntime from 'react-refresh/runtime';
import { type Exports, refreshRefusal } from './refresh-boundary.js';

/** What the glue needs of `import.meta.hot` (devpush's HotContext; undefined where HMR is off). */
interface Hot {
  accept(callback: (module: Exports | undefined) => void): void;
  invalidate(message?: string): void;
  on(event: 'devpush:afterUpdate', callback: () => void): void;
}

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
        const refusal = refreshRefusal(current, next, RefreshRuntime.isLikelyComponentType);
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
