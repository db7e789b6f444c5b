import { notAvailable, type Figure } from '../figure.js';
import type { Settings } from '../settings.js';

const GROUP = 'fallback discovery (Chromium)';

/** Load → first hello when the upgrade is refused, hangs, or streams are buffered, and with a remembered rung. */
export async function fallback(_settings: Settings): Promise<Figure[]> {
  const reason = 'needs the SSE/stream/poll rungs and the fault proxy (issue 3), not on main yet';
  return [
    notAvailable(GROUP, 'WebSocket upgrade refused', 'ms', reason, { target: { stat: 'p50', max: 500 } }),
    notAvailable(GROUP, 'WebSocket upgrade hangs', 'ms', reason, { target: { stat: 'p50', max: 3500 } }),
    notAvailable(GROUP, 'streams buffered', 'ms', reason, { target: { stat: 'p50', max: 8000 } }),
    notAvailable(GROUP, 'reload with the rung remembered', 'ms', reason, { target: { stat: 'p50', max: 100 } }),
  ];
}
