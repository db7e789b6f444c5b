// The hot runtime, served at /__devpush/hot.js and imported by the first line of every served module.
// Its bytes hold no per-run settings, so module URLs stay the same across restarts. It registers itself
// on globalThis for the channel client (client.js), which hands it updates and events.
import { HOT_RUNTIME_KEY, type HotRuntime } from '../../src/protocol.js';
import { emit } from './events.js';
import { applyUpdate } from './update.js';

export { createHotContext } from './context.js';
export { removeStyle, updateStyle } from './styles.js';

const runtime: HotRuntime = { applyUpdate, notify: emit };
(globalThis as Record<string, unknown>)[HOT_RUNTIME_KEY] = runtime;
