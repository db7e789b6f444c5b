// Packages imported by name (`react`, `lodash-es/debounce`): pre-bundled once by esbuild (ESM, code
// splitting so packages share chunks, one entry file per specifier), cached on disk under
// node_modules/.cache/devpush/deps/<hash>/ and served from memory. The hash covers the lock file,
// package.json, esbuild's version and the specifiers: a lock file change means a new bundle.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { MODULE_VERSION_PARAM, routePath } from '../protocol.js';
import { cjsWrapper } from './cjs.js';
import { esbuildService } from '../esbuild.js';

/** Bumped when the layout of the bundle changes, so old caches are not reused. */
const FORMAT = 'devpush-deps-1';
export const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];
const MANIFEST = '_manifest.json';
const ENTRY_NAMESPACE = 'devpush-dep';

interface Bundle {
  hash: string;
  /** Specifier → file name inside the bundle folder (`react-dom/client.js`). */
  entries: Map<string, string>;
  files: Map<string, Buffer>;
}

export class DependencyBundle {
  private readonly specifiers = new Set<string>();
  private bundle: Bundle | null = null;
  private building: Promise<void> = Promise.resolve();
  /** The last failure, worded for the user; null while the bundle is good. */
  problem: string | null = null;

  constructor(private readonly root: string) {}

  /** Folder of the on-disk cache: beside the project's node_modules (the usual cache place). */
  private cacheRoot(): string {
    return path.join(this.root, 'node_modules', '.cache', 'devpush', 'deps');
  }

  /** Makes sure every specifier has an entry; resolves true when the bundle changed (new URLs). */
  ensure(specifiers: Iterable<string>): Promise<boolean> {
    const missing = [...specifiers].filter((specifier) => !this.specifiers.has(specifier));
    if (missing.length === 0) return this.building.then(() => false);
    for (const specifier of missing) this.specifiers.add(specifier);
    // A failed bundle forgets what it added: the next change set tries again (the user may have run
    // npm install, or dropped the import), so a later good save recovers without a restart.
    const run = this.building.then(() =>
      this.build().catch((error: unknown) => {
        for (const specifier of missing) this.specifiers.delete(specifier);
        throw error;
      }),
    );
    this.building = run.catch(() => {});
    return run.then(() => true);
  }

  /** The lock file changed: build again with the same specifiers. */
  refresh(): Promise<boolean> {
    const run = this.building.then(() => this.build());
    this.building = run.catch(() => {});
    return run.then(() => true);
  }

  /** The URL a module imports `specifier` from; null when it is not bundled (not yet, or failed). */
  urlOf(specifier: string): string | null {
    const file = this.bundle?.entries.get(specifier);
    return file ? `${routePath('deps')}${file}?${MODULE_VERSION_PARAM}=${this.bundle?.hash}` : null;
  }

  get hash(): string {
    return this.bundle?.hash ?? 'none';
  }

  /** A bundle file by its path under the deps route (`react.js`, `chunk-AB12.js`). */
  file(name: string): Buffer | null {
    return this.bundle?.files.get(name) ?? null;
  }

  private stateHash(specifiers: string[]): string {
    const hash = createHash('sha256').update(FORMAT);
    for (const name of [...LOCK_FILES, 'package.json']) {
      const file = path.join(this.root, name);
      if (existsSync(file)) hash.update(name).update(readFileSync(file));
    }
    const esbuildVersion = createRequire(import.meta.url)('esbuild/package.json').version as string;
    return hash.update(esbuildVersion).update(specifiers.join('\n')).digest('hex').slice(0, 12);
  }

  private async build(): Promise<void> {
    const specifiers = [...this.specifiers].sort();
    const hash = this.stateHash(specifiers);
    const dir = path.join(this.cacheRoot(), hash);
    try {
      const cached = await this.readCache(dir, hash);
      this.bundle = cached ?? (await this.runEsbuild(dir, hash, specifiers));
      this.problem = null;
    } catch (error) {
      this.problem = `Pre-bundling the packages (${specifiers.join(', ')}) failed: ${(error as Error).message.split('\n').slice(0, 4).join(' ')}. Check that they are installed (npm install) and save again.`;
      throw error;
    }
  }

  private async readCache(dir: string, hash: string): Promise<Bundle | null> {
    const manifest = await readFile(path.join(dir, MANIFEST), 'utf8').catch(() => null);
    if (!manifest) return null;
    const entries = new Map(Object.entries(JSON.parse(manifest) as Record<string, string>));
    return { hash, entries, files: await readTree(dir) };
  }

  private async runEsbuild(dir: string, hash: string, specifiers: string[]): Promise<Bundle> {
    await rm(dir, { recursive: true, force: true });
    const entries = new Map(specifiers.map((specifier) => [specifier, `${specifier}.js`]));
    await esbuildService.use(({ build }) =>
      build({
        absWorkingDir: this.root,
        entryPoints: specifiers.map((specifier) => ({ in: `${ENTRY_NAMESPACE}:${specifier}`, out: specifier })),
        bundle: true,
        splitting: true,
        format: 'esm',
        target: 'es2022',
        outdir: dir,
        chunkNames: 'chunk-[hash]',
        define: { 'process.env.NODE_ENV': '"development"' },
        plugins: [this.entryPlugin()],
        logLevel: 'silent',
      }),
    );
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, MANIFEST), JSON.stringify(Object.fromEntries(entries)));
    return { hash, entries, files: await readTree(dir) };
  }

  /** Each entry re-exports its package; a CommonJS one gets named exports too (`import { useState }`). */
  private entryPlugin(): Plugin {
    const root = this.root;
    return {
      name: 'devpush-dep-entries',
      setup(build) {
        build.onResolve({ filter: new RegExp(`^${ENTRY_NAMESPACE}:`) }, (args) => ({
          path: args.path.slice(ENTRY_NAMESPACE.length + 1),
          namespace: ENTRY_NAMESPACE,
        }));
        build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, async (args) => {
          // The file esbuild will bundle (import conditions: preact's ESM build, not the CJS one Node's
          // require would pick), so the wrapper reads the same file.
          const resolved = await build.resolve(args.path, { kind: 'import-statement', resolveDir: root });
          return {
            contents: await cjsWrapper(args.path, root, resolved.errors.length ? undefined : resolved.path),
            resolveDir: root,
            loader: 'js',
          };
        });
      },
    };
  }
}

async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === MANIFEST) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join('/'), await readFile(full));
  }
  return files;
}
