import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DevpushError, describeValue } from '../errors.js';
import { TRANSPORT_NAMES } from '../protocol.js';
import { resolveBuild } from './build.js';
import { bundleConfig, importBeside } from './bundle.js';
import { resolveCss } from './css.js';
import { DEFAULT_ENV_PREFIXES } from './env.js';
import { findViteConfig, readViteConfig } from './vite.js';
import { resolveProxy } from './proxy.js';
import { CONFIG_FILE_NAMES, CONFIG_SCHEMA, DEFAULT_PORT } from './schema.js';
import type { ResolvedConfig, UserConfig } from './types.js';
import { isPlainObject, validateSection } from './validate.js';

/** What createServer and the CLI pass in: config keys (they win over the file) plus where to look. */
export interface InlineConfig extends UserConfig {
  /** Folder to serve. @default process.cwd() */
  root?: string;
  /** Config file to read; false to read none; by default devpush.config.* in the root. */
  configFile?: string | false;
}

/** Finds, loads and validates the config file, merges `inline` over it, fills defaults and freezes. */
export async function resolveConfig(inline: InlineConfig = {}): Promise<ResolvedConfig> {
  const { root: rootOption, configFile: fileOption, ...inlineConfig } = inline;
  const root = path.resolve(rootOption ?? process.cwd());
  if (!existsSync(root)) {
    throw new DevpushError(`Folder not found: ${root}. Pass a folder that exists: devpush serve path/to/site`);
  }
  validateSection(inlineConfig, CONFIG_SCHEMA, 'options');

  const configFile = fileOption === false ? null : findConfigFile(root, fileOption);
  const fromFile = configFile ? await loadConfigFile(configFile) : {};
  // A Vite project with no devpush config: what devpush understands of vite.config.* applies.
  const viteFile = configFile === null && fileOption === undefined ? findViteConfig(root) : null;
  const vite = viteFile ? await readViteConfig(viteFile) : null;
  const resolved = withDefaults(root, configFile, merge(vite?.config ?? fromFile, inlineConfig));
  return Object.freeze({ ...resolved, notices: vite ? [vite.notice] : [] });
}

function findConfigFile(root: string, explicit: string | undefined): string | null {
  if (explicit !== undefined) {
    const file = path.resolve(explicit);
    if (!existsSync(file)) {
      throw new DevpushError(`Config file not found: ${file} (from --config). Check the path, or drop --config.`);
    }
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(root, name);
    if (existsSync(file)) return file;
  }
  return null;
}

/** Reads one config file and returns its validated object. */
export async function loadConfigFile(file: string): Promise<UserConfig> {
  const name = path.basename(file);
  let loaded: unknown;
  try {
    loaded = await importConfig(file);
  } catch (error) {
    if (error instanceof DevpushError) throw error;
    if (/\.c?js$/.test(file) && isEsmInCommonJs(error)) {
      throw new DevpushError(
        `${name} is written as an ES module (import/export), but its package.json makes .js files CommonJS: ` +
          `rename it ${name.replace(/\.c?js$/, '.mjs')} (or .ts).`,
      );
    }
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DevpushError(`${name}: loading it failed: ${reason}`);
  }
  if (!isPlainObject(loaded)) {
    throw new DevpushError(
      `${name}: must export an object (export default defineConfig({ ... })), found ${describeValue(loaded)}.`,
    );
  }
  validateSection(loaded, CONFIG_SCHEMA, name);
  return loaded as UserConfig;
}

/** Node's errors for `import`/`export` in a file it loads as CommonJS. */
function isEsmInCommonJs(error: unknown): boolean {
  return (
    error instanceof SyntaxError &&
    /Unexpected token 'export'|Cannot use import statement outside a module/.test(error.message)
  );
}

/**
 * Whether a path is a config file of this folder, or the temporary file loading a TypeScript one writes
 * beside it: saving one restarts the server, so the pages are not told about it as a change.
 */
export function isConfigPath(file: string, root: string, configFile: string | null): boolean {
  if (file === configFile) return true;
  const name = path.basename(file);
  const folder = path.dirname(file);
  if (configFile && folder === path.dirname(configFile) && name.startsWith(`.${path.basename(configFile)}.`))
    return true;
  return (
    folder === root &&
    ((CONFIG_FILE_NAMES as readonly string[]).includes(name) || /^\.devpush\.config\.m?ts\./.test(name))
  );
}

async function importConfig(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new DevpushError(`${path.basename(file)}: not valid JSON: ${(error as Error).message}`);
    }
  }
  if (/\.m?ts$/.test(file)) return importTypeScript(file);
  const module = (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)) as { default?: unknown };
  return module.default;
}

/** A TypeScript config, bundled and imported (bundle.ts); a bundling error names the file, line and column. */
async function importTypeScript(file: string): Promise<unknown> {
  let code: string;
  try {
    code = await bundleConfig(file, { packages: 'external' });
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
    const where = first?.location ? `:${first.location.line}:${first.location.column}` : '';
    throw new DevpushError(`${path.basename(file)}${where}: ${first?.text ?? String(error)}`);
  }
  return importBeside(file, code);
}

/**
 * Section-wise merge: `over` wins key by key, nested objects merged, arrays replaced. A `true` over an
 * object keeps the object (`--https` with `server.https: { cert, key }` in the file uses those files).
 */
function merge(base: UserConfig, over: UserConfig): UserConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    if (value === true && isPlainObject(current)) continue;
    out[key] =
      isPlainObject(value) && isPlainObject(current) ? merge(current as UserConfig, value as UserConfig) : value;
  }
  return out as UserConfig;
}

/** An empty prefix would make every variable public (secrets included), so it is refused, as Vite does. */
function resolveEnvPrefix(value: string | string[] | undefined): readonly string[] {
  const prefixes = value === undefined ? DEFAULT_ENV_PREFIXES : typeof value === 'string' ? [value] : value;
  if (prefixes.some((prefix) => prefix === '')) {
    throw new DevpushError(
      'envPrefix: "" would send every environment variable (secrets included) to the browser; use a prefix such as "DEVPUSH_".',
    );
  }
  return prefixes;
}

function withDefaults(root: string, configFile: string | null, config: UserConfig): Omit<ResolvedConfig, 'notices'> {
  const { server = {}, watch = {}, build = {}, channel = {}, client = {} } = config;
  const configDir = configFile ? path.dirname(configFile) : root;
  return {
    root,
    configFile,
    publicDir: config.publicDir === false ? null : path.resolve(root, config.publicDir ?? 'public'),
    appType: config.appType ?? 'spa',
    envPrefix: resolveEnvPrefix(config.envPrefix),
    logLevel: config.logLevel ?? 'info',
    client: { forwardConsole: client.forwardConsole ?? false },
    server: {
      port: server.port ?? DEFAULT_PORT,
      host: server.host ?? 'localhost',
      strictPort: server.strictPort ?? false,
      open: server.open ?? false,
      allowedHosts: server.allowedHosts ?? [],
      corsOrigins: server.cors?.origins ?? [],
      fsAllow: (server.fs?.allow ?? []).map((p) => path.resolve(configDir, p)),
      fsDeny: server.fs?.deny ?? [],
      maxConnections: server.maxConnections ?? 1024,
      maxConnectionsPerPeer: server.maxConnectionsPerPeer ?? 256,
      ...resolveProxy(server, configDir),
    },
    watch: {
      ignore: watch.ignore ?? [],
      paths: (watch.paths ?? []).map((p) => path.resolve(configDir, p)),
      usePolling: watch.usePolling ?? 'auto',
      interval: watch.interval ?? 100,
    },
    build: resolveBuild(build, configDir, configFile ? path.basename(configFile) : 'options'),
    css: resolveCss(config.css),
    channel: {
      transports: channel.transports ?? TRANSPORT_NAMES,
      heartbeatMs: channel.heartbeatMs ?? 15_000,
      ringMaxMessages: channel.ring?.maxMessages ?? 256,
      ringMaxAgeMs: channel.ring?.maxAgeMs ?? 300_000,
    },
  };
}
