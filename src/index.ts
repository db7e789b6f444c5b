// The public API: `import { createServer, defineConfig } from 'devpush'`.
import { resolveConfig, type InlineConfig } from './config/load.js';
import { createLogger, type LogLevel } from './log.js';
import { startDevServer, type DevServer } from './server/server.js';

export { defineConfig } from './config/types.js';
export type { UserConfig, ResolvedConfig, IgnoreMatcher } from './config/types.js';
export type { InlineConfig } from './config/load.js';
export type { DevServer } from './server/server.js';
export type { ChannelStats, TransportStats } from './channel/hub.js';
export type { ServerMessage, TransportName } from './protocol.js';
export { DevpushError } from './errors.js';

export interface ServerOptions extends InlineConfig {
  /** How much devpush prints. @default "info" */
  logLevel?: LogLevel;
}

/** Starts a devpush server: the same one `devpush serve` runs. Resolves once it listens. */
export async function createServer(options: ServerOptions = {}): Promise<DevServer> {
  const { logLevel, ...inline } = options;
  const config = await resolveConfig(inline);
  return startDevServer(config, createLogger(logLevel ?? 'info'));
}
