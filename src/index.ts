// The public API: `import { createServer, defineConfig } from 'devpush'`.
import { resolveConfig, type InlineConfig } from './config/load.js';
import { createLogger } from './log.js';
export type { LogLevel } from './log.js';
import { startDevServer, type DevServer } from './server/server.js';

export { defineConfig } from './config/types.js';
export type { UserConfig, ResolvedConfig, IgnoreMatcher } from './config/types.js';
export type { InlineConfig } from './config/load.js';
export type { DevServer } from './server/server.js';
export type { ChannelStats, TransportStats } from './channel/hub.js';
export type { ServerMessage, TransportName } from './protocol.js';
export { DevpushError } from './errors.js';

/** What createServer takes: config keys (`logLevel` among them) plus where to look. */
export type ServerOptions = InlineConfig;

/** Starts a devpush server: the same one `devpush serve` runs. Resolves once it listens. */
export async function createServer(options: ServerOptions = {}): Promise<DevServer> {
  const config = await resolveConfig(options);
  return startDevServer(config, createLogger(config.logLevel));
}
