import type { ClientConfig } from '../src/protocol.js';

declare global {
  /** Replaced by the server with this run's settings when it serves the bundle. */
  const __DEVPUSH_CONFIG__: ClientConfig;
  interface Window {
    /** Read-only view of the client's state, for debugging and the test suite. */
    __devpush?: { transport: string | null; state: string; cursor: string | null; sharing: string; pageId: string };
  }
}
