// The channel client's side of HMR: updates go to the hot runtime that the page's modules loaded. No
// runtime means no module ran in this page, so there is nothing to update.
import { HOT_REPORT_KEY, HOT_RUNTIME_KEY, type HotRuntime, type UpdateMessage } from '../src/protocol.js';
import { clearOverlay, showOverlay } from './overlay.js';
import { sendToServer } from './report.js';

// The hot runtime is another bundle: it finds the report sender here (`hot.send`, reload reasons).
(globalThis as Record<string, unknown>)[HOT_REPORT_KEY] = sendToServer;

const FAILURE_SOURCE = 'hmr:';
const failing = new Set<string>();

export function hotRuntime(): HotRuntime | undefined {
  return (globalThis as Record<string, unknown>)[HOT_RUNTIME_KEY] as HotRuntime | undefined;
}

/** Applies an update; a module that fails to re-run gets the overlay until a later update goes in. */
export function hotUpdate(message: UpdateMessage): void {
  const runtime = hotRuntime();
  if (!runtime) return;
  void runtime.applyUpdate(message).then((failures) => {
    // Each update re-runs what failed before (it names the fixed file), so its outcome replaces theirs.
    for (const path of failing) clearOverlay(FAILURE_SOURCE + path);
    failing.clear();
    for (const failure of failures) {
      failing.add(failure.path);
      showOverlay(FAILURE_SOURCE + failure.path, [{ text: failure.message, location: null, frame: '' }]);
    }
  });
}
