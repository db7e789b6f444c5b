import { describeValue, didYouMean } from '../errors.js';
import { LOG_LEVELS } from '../log.js';
import { TRANSPORT_NAMES } from '../protocol.js';
import { BUILD_SCHEMA } from './build.js';
import { cssModulesRule } from './css.js';
import { backendRule, httpsRule, proxyRulesRule } from './proxy.js';
import { rules, type Section } from './validate.js';

const { boolean, string, integer, arrayOf, either, func, regexp, oneOf } = rules;

/** Host names (`myapp.test`, `.myapp.test` for its subdomains too) or addresses; no wildcard that admits every name. */
const hostNames = () => ({
  expected: 'an array of host names such as "myapp.test" or ".myapp.test" (no port, no "*")',
  test: (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string' && /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$|^[0-9a-f:]+$/i.test(x)),
});

/** Origins as browsers send them (`http://localhost:8000`); `*` is refused: devpush never allows every origin. */
const origins = () => ({
  expected: 'an array of origins such as "http://localhost:8000" (scheme, host and port; "*" is not allowed)',
  test: (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string' && /^https?:\/\/[^/?#*\s]+$/i.test(x)),
});

/** Every key a config may hold, with the rule its value must follow. Mirrors UserConfig. */
export const CONFIG_SCHEMA: Section = {
  publicDir: either(string(), { expected: 'false', test: (v) => v === false }),
  appType: oneOf(['spa', 'mpa']),
  envPrefix: either(string(), arrayOf(string())),
  logLevel: oneOf(LOG_LEVELS),
  client: { forwardConsole: boolean() },
  server: {
    port: integer(0, 65535),
    host: string(),
    strictPort: boolean(),
    open: either(boolean(), string()),
    allowedHosts: hostNames(),
    cors: { origins: origins() },
    fs: { allow: arrayOf(string()), deny: arrayOf(string()) },
    maxConnections: integer(1, 100_000),
    maxConnectionsPerPeer: integer(1, 100_000),
    backend: backendRule,
    proxy: proxyRulesRule,
    https: httpsRule,
  },
  watch: {
    ignore: arrayOf(either(string(), regexp(), func())),
    paths: arrayOf(string()),
    usePolling: boolean(),
    interval: integer(10, 60_000),
  },
  build: BUILD_SCHEMA,
  css: { modules: cssModulesRule },
  channel: {
    transports: {
      expected: `a non-empty array of rung names (${TRANSPORT_NAMES.map((n) => JSON.stringify(n)).join(', ')})`,
      test: (v) =>
        Array.isArray(v) &&
        v.length > 0 &&
        v.every((x) => (TRANSPORT_NAMES as readonly unknown[]).includes(x)) &&
        new Set(v).size === v.length,
      found: describeRungList,
    },
    heartbeatMs: integer(1_000, 120_000),
    ring: { maxMessages: integer(1, 100_000), maxAgeMs: integer(1_000, 86_400_000) },
  },
};

export const CONFIG_FILE_NAMES = [
  'devpush.config.ts',
  'devpush.config.mts',
  'devpush.config.js',
  'devpush.config.mjs',
  'devpush.config.json',
] as const;

export const DEFAULT_PORT = 4800;

/** Names the first wrong item of a `channel.transports` list: an unknown rung (with a did-you-mean) or a repeat. */
function describeRungList(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return describeValue(value);
  const seen = new Set<unknown>();
  for (const item of value) {
    if (!(TRANSPORT_NAMES as readonly unknown[]).includes(item)) {
      const suggestion = typeof item === 'string' ? didYouMean(item, TRANSPORT_NAMES) : null;
      const shown = typeof item === 'string' ? JSON.stringify(item) : describeValue(item);
      return `${shown}, which is no rung${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    }
    if (seen.has(item)) return `"${String(item)}" twice`;
    seen.add(item);
  }
  return describeValue(value);
}
