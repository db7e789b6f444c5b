// A project made with Vite and no devpush config: the keys of its vite.config.* that devpush understands
// are read, the rest (plugins first) named once at start-up. Reading it must never stop devpush from
// starting, so every failure becomes a notice and an empty config.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { CONFIG_SCHEMA } from './schema.js';
import type { UserConfig } from './types.js';
import { isPlainObject, validateSection } from './validate.js';
import { bundleConfig, importBeside } from './bundle.js';

/** The `css.modules` options devpush applies (Vite's others, such as `getJSON`, are named as ignored). */
const CSS_MODULE_KEYS = [
  'localsConvention',
  'generateScopedName',
  'hashPrefix',
  'scopeBehaviour',
  'globalModulePaths',
  'exportGlobals',
] as const;

export const VITE_CONFIG_NAMES = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'] as const;

export interface ViteConfigRead {
  file: string;
  config: UserConfig;
  /** One line for the terminal: what was used and what was ignored. */
  notice: string;
}

export function findViteConfig(root: string): string | null {
  for (const name of VITE_CONFIG_NAMES) if (existsSync(path.join(root, name))) return path.join(root, name);
  return null;
}

/** Reads the Vite config of `root`, if there is one, into devpush's own shape. */
export async function readViteConfig(file: string): Promise<ViteConfigRead> {
  const name = path.basename(file);
  let loaded: unknown;
  try {
    loaded = await loadViteConfig(file);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { file, config: {}, notice: `${name}: could not be read (${reason}); serving without it.` };
  }
  if (!isPlainObject(loaded)) return { file, config: {}, notice: `${name}: exports no config object; ignored.` };
  const { config, used, ignored } = translate(loaded);
  const parts = [`${name}: using ${used.length ? used.join(', ') : 'nothing'}`];
  if (ignored.length) parts.push(`ignoring ${ignored.join(', ')}`);
  return { file, config, notice: `${parts.join('; ')}.` };
}

/** Vite keys devpush reads, each mapped into a UserConfig patch; anything else is reported as ignored. */
const TRANSLATIONS: Record<string, (value: unknown) => UserConfig | null> = {
  'server.port': (port) => ({ server: { port: port as number } }),
  'server.strictPort': (strictPort) => ({ server: { strictPort: strictPort as boolean } }),
  'server.open': (open) => ({ server: { open: open as boolean | string } }),
  'server.proxy': (proxy) => ({ server: { proxy } as UserConfig['server'] }),
  'resolve.alias': (alias) => {
    const map = aliasMap(alias);
    return map ? { build: { alias: map } } : null;
  },
  define: (define) =>
    isPlainObject(define)
      ? {
          build: {
            define: Object.fromEntries(
              Object.entries(define).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            ),
          },
        }
      : null,
  envPrefix: (envPrefix) => ({ envPrefix: envPrefix as string | string[] }),
  publicDir: (publicDir) => ({ publicDir: publicDir as string | false }),
  appType: (appType) => ({ appType: appType as 'spa' | 'mpa' }),
  'css.modules': (modules) => (modules === false ? { css: { modules: false } } : null),
  ...Object.fromEntries(
    CSS_MODULE_KEYS.map((key) => [`css.modules.${key}`, (value: unknown) => ({ css: { modules: { [key]: value } } })]),
  ),
  base: (base) => (base === '/' || base === '' ? {} : null),
};

function translate(vite: Record<string, unknown>): { config: UserConfig; used: string[]; ignored: string[] } {
  const config: Record<string, unknown> = {};
  const used: string[] = [];
  const ignored: string[] = [];
  const plugins = pluginNames(vite.plugins);
  if (plugins.length) ignored.push(`plugins (${plugins.join(', ')})`);
  for (const key of flatKeys(vite)) {
    if (key === 'plugins') continue;
    const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], vite);
    const patch = TRANSLATIONS[key]?.(value) ?? null;
    if (!patch || !acceptedByDevpush(patch)) {
      ignored.push(key);
      continue;
    }
    mergeInto(config, patch as Record<string, unknown>);
    used.push(key);
  }
  return { config: config as UserConfig, used, ignored };
}

/** Sections whose keys are translated one by one. */
const NESTED = new Set(['server', 'resolve', 'css', 'css.modules']);

/** The keys of a Vite config down to the level devpush translates (`server.port`, `css.modules.localsConvention`). */
function flatKeys(node: Record<string, unknown>, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined) continue;
    const path = prefix + key;
    if (NESTED.has(path) && isPlainObject(value)) keys.push(...flatKeys(value, `${path}.`));
    else keys.push(path);
  }
  return keys;
}

/** A patch is taken only when devpush's own schema accepts it: a key devpush lacks is ignored, never fatal. */
function acceptedByDevpush(patch: UserConfig): boolean {
  try {
    validateSection(patch, CONFIG_SCHEMA, 'vite.config');
    return true;
  } catch {
    return false;
  }
}

function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeInto(current, value);
    else target[key] = value;
  }
}

/** `resolve.alias` as an object, or as `[{ find, replacement }]` with string finds; RegExp finds are not taken. */
function aliasMap(alias: unknown): Record<string, string> | null {
  if (isPlainObject(alias))
    return Object.fromEntries(Object.entries(alias).filter(([, to]) => typeof to === 'string')) as Record<
      string,
      string
    >;
  if (!Array.isArray(alias)) return null;
  const entries = alias.filter(
    (item): item is { find: string; replacement: string } =>
      isPlainObject(item) && typeof item.find === 'string' && typeof item.replacement === 'string',
  );
  return entries.length === alias.length ? Object.fromEntries(entries.map((e) => [e.find, e.replacement])) : null;
}

function pluginNames(plugins: unknown): string[] {
  const list = Array.isArray(plugins) ? plugins.flat(Number.POSITIVE_INFINITY) : [];
  return list
    .filter((plugin): plugin is { name?: unknown } => isPlainObject(plugin))
    .map((plugin) => (typeof plugin.name === 'string' ? plugin.name : 'unnamed'));
}

const SHIM_NAMESPACE = 'devpush-vite-shim';
const KNOWN_EXPORTS: Record<string, string> = {
  defineConfig: '(config) => config',
  mergeConfig: '(a, b) => ({ ...a, ...b })',
  loadEnv: '() => ({})',
  searchForWorkspaceRoot: '(root) => root',
};

/** The names a file imports from `specifier` (`import { a, b as c } from 'x'` gives a, b). */
function namedImports(source: string, specifier: string): string[] {
  const quoted = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const pattern = new RegExp(`import\\s+(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*['"]${quoted}['"]`, 'g');
  const names = new Set<string>();
  for (const match of source.matchAll(pattern))
    for (const item of (match[1] ?? '').split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
        ?.trim();
      if (name && /^[\w$]+$/.test(name)) names.add(name);
    }
  return [...names];
}

/**
 * Packages a Vite config imports (vite itself, plugins) are replaced by a stand-in: `defineConfig` gives
 * its argument back, and anything else is a function returning a plugin named after its package. So the
 * config loads fast, runs no plugin code, and loads even where Vite is not installed.
 */
const shimPackages: Plugin = {
  name: 'devpush-vite-shim',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      const bare = args.path.replace(/^node:/, '').split('/')[0] as string;
      if (args.path.startsWith('node:') || builtins.has(bare)) return { path: args.path, external: true };
      const source = args.importer ? await readFile(args.importer, 'utf8').catch(() => '') : '';
      return { path: args.path, namespace: SHIM_NAMESPACE, pluginData: namedImports(source, args.path) };
    });
    build.onLoad({ filter: /.*/, namespace: SHIM_NAMESPACE }, (args) => {
      const short = args.path.replace(/^@vitejs\/plugin-/, '').replace(/^vite-plugin-/, '');
      const names = (args.pluginData as string[]).filter((name) => name !== 'default');
      const exports = names.map((name) => `export const ${name} = ${KNOWN_EXPORTS[name] ?? 'plugin'};`);
      return {
        loader: 'js',
        contents: `const plugin = () => ({ name: ${JSON.stringify(short)} });\nexport default plugin;\n${exports.join('\n')}`,
      };
    });
  },
};

async function loadViteConfig(file: string): Promise<unknown> {
  const code = await bundleConfig(file, {
    plugins: [shimPackages],
    // CommonJS-style names some configs use; a config that declares its own keeps them (define only fills globals).
    define: { __dirname: JSON.stringify(path.dirname(file)), __filename: JSON.stringify(file) },
  });
  const exported = await importBeside(file, code);
  return typeof exported === 'function' ? await exported({ command: 'serve', mode: 'development' }) : exported;
}
