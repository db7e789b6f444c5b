import type { Audience } from '../server/timing.js';
import { ChangeLog } from './change-log.js';
import { ClientDirectory } from './clients.js';
import { Volume } from './volume.js';

/** Who is connected, how much flowed, what each change did: the status report's parts about people. */
export function createAudience(heartbeatMs: number) {
  const volume = new Volume();
  // A page without its own connection (a follower tab, or one reconnecting) is kept while it reports in.
  const directory = new ClientDirectory(volume, 2 * heartbeatMs + 5000);
  const changes = new ChangeLog();
  return {
    directory,
    changes,
    snapshot(): Audience {
      const { clients, omitted } = directory.list();
      return { clients, clientsOmitted: omitted, volume: volume.list(), summaries: changes.list() };
    },
  };
}
