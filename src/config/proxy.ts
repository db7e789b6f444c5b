// The proxy and TLS keys of the `server` section: `server.backend` (proxy mode), `server.proxy` (rules as
// Vite users write them) and `server.https`. Rules here, defaults and resolution below.
import path from 'node:path';
import { describeValue } from '../errors.js';
import type { ProxyRule, ResolvedConfig, UserConfig } from './types.js';
import { isPlainObject, type Rule } from './validate.js';

const RULE_KEYS = ['target', 'ws', 'changeOrigin', 'rewrite', 'secure'] as const;

function isUrl(value: unknown, protocols: readonly string[]): boolean {
  if (typeof value !== 'string') return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const TARGET_PROTOCOLS = ['http:', 'https:', 'ws:', 'wss:'];

/** `{ target, ws?, changeOrigin?, rewrite?, secure? }` or a target URL; says which part is wrong. */
function ruleProblem(value: unknown): string | null {
  if (typeof value === 'string') return isUrl(value, TARGET_PROTOCOLS) ? null : `${describeValue(value)}, no URL`;
  if (!isPlainObject(value)) return describeValue(value);
  for (const key of Object.keys(value)) {
    if (!(RULE_KEYS as readonly string[]).includes(key)) return `an object with the unknown key "${key}"`;
  }
  if (!isUrl(value.target, TARGET_PROTOCOLS)) return `an object whose "target" is ${describeValue(value.target)}`;
  for (const key of ['ws', 'changeOrigin', 'secure'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean')
      return `an object whose "${key}" is ${describeValue(value[key])}`;
  }
  if (value.rewrite !== undefined && typeof value.rewrite !== 'function')
    return 'an object whose "rewrite" is no function';
  return null;
}

export const backendRule: Rule = {
  expected: 'the URL of your backend ("http://localhost:8000") or { target, changeOrigin }',
  test: (v) =>
    isUrl(v, ['http:', 'https:']) ||
    (isPlainObject(v) && ruleProblem(v) === null && isUrl(v.target, ['http:', 'https:']) && v.ws === undefined),
  found: (v) => ruleProblem(v) ?? describeValue(v),
};

export const proxyRulesRule: Rule = {
  expected: 'an object of path prefixes ("/api") to a target URL or { target, ws, changeOrigin, rewrite }',
  test: (v) =>
    isPlainObject(v) && Object.entries(v).every(([prefix, rule]) => /^[/^]/.test(prefix) && !ruleProblem(rule)),
  found: (v) => {
    if (!isPlainObject(v)) return describeValue(v);
    for (const [prefix, rule] of Object.entries(v)) {
      if (!/^[/^]/.test(prefix)) return `the prefix "${prefix}", which starts with neither "/" nor "^" (a RegExp)`;
      const problem = ruleProblem(rule);
      if (problem) return `"${prefix}": ${problem}`;
    }
    return describeValue(v);
  },
};

export const httpsRule: Rule = {
  expected: 'true, false, or { cert, key } (paths of PEM files)',
  test: (v) =>
    typeof v === 'boolean' ||
    (isPlainObject(v) &&
      typeof v.cert === 'string' &&
      typeof v.key === 'string' &&
      Object.keys(v).every((k) => k === 'cert' || k === 'key')),
};

type Server = NonNullable<UserConfig['server']>;
type UserRule = NonNullable<Server['proxy']>[string];

function toRule(prefix: string, rule: UserRule): ProxyRule {
  const options = typeof rule === 'string' ? { target: rule } : rule;
  return {
    prefix,
    target: options.target,
    ws: options.ws ?? false,
    changeOrigin: options.changeOrigin ?? false,
    secure: options.secure ?? true,
    rewrite: options.rewrite ?? null,
  };
}

/** Proxy mode, proxy rules (in the order written: the first matching prefix wins) and TLS. */
export function resolveProxy(
  server: Server,
  configDir: string,
): Pick<ResolvedConfig['server'], 'backend' | 'proxy' | 'https'> {
  const backend = server.backend === undefined ? null : toRule('/', server.backend);
  const https = server.https;
  return {
    backend: backend && { ...backend, ws: true },
    proxy: Object.entries(server.proxy ?? {}).map(([prefix, rule]) => toRule(prefix, rule)),
    https:
      https === undefined || https === false
        ? null
        : https === true
          ? { cert: null, key: null }
          : { cert: path.resolve(configDir, https.cert), key: path.resolve(configDir, https.key) },
  };
}
