import type { LogLevel } from '../log.js';
import type { TransportName } from '../protocol.js';

/** JSX compilation modes that give code a browser runs ("preserve" would not). */
export type BuildJsx = 'automatic' | 'transform';

/** esbuild loaders that make sense for a bundle served to the browser. */
export type BuildLoader =
  | 'base64'
  | 'binary'
  | 'copy'
  | 'css'
  | 'dataurl'
  | 'empty'
  | 'file'
  | 'js'
  | 'json'
  | 'jsx'
  | 'local-css'
  | 'text'
  | 'ts'
  | 'tsx';

/** A path test for watch.ignore: a glob (relative to the served folder), a RegExp, or a function. */
export type IgnoreMatcher = string | RegExp | ((path: string) => boolean);

/** One `server.proxy` rule as Vite users write it. */
export interface ProxyRuleOptions {
  /** Where requests go: `http://localhost:3000` (or `ws://...` for a WebSocket rule). */
  target: string;
  /** Proxy WebSocket upgrades under the prefix. @default false */
  ws?: boolean;
  /** Send the target's Host instead of the browser's. @default false */
  changeOrigin?: boolean;
  /** Verify the target's TLS certificate. @default true */
  secure?: boolean;
  /** The path sent to the target, from the path asked for. @default unchanged */
  rewrite?: (path: string) => string;
}

/** A resolved proxy rule (or the backend of proxy mode, whose prefix is "/"). */
export interface ProxyRule {
  prefix: string;
  target: string;
  ws: boolean;
  changeOrigin: boolean;
  secure: boolean;
  rewrite: ((path: string) => string) | null;
}

/** How a CSS module's class names become the keys its importers read (Vite's `css.modules.localsConvention`). */
export type CssLocalsConvention =
  | 'camelCase'
  | 'camelCaseOnly'
  | 'dashes'
  | 'dashesOnly'
  | ((originalClassName: string, generatedClassName: string, inputFile: string) => string | string[]);

/** Vite's `css.modules` options (those of postcss-modules, which both use). */
export interface CssModulesOptions {
  /** "camelCase": `.font-list` is `styles["font-list"]` and `styles.fontList`; "camelCaseOnly" only the latter; "dashes"/"dashesOnly" camel-case dashes only. @default "camelCase" */
  localsConvention?: CssLocalsConvention;
  /** The scoped name of a class: a pattern such as "[name]__[local]___[hash:base64:5]" or a function (name, filename, css). @default Vite's ("_[local]_[hash]_[line]") */
  generateScopedName?: string | ((name: string, filename: string, css: string) => string);
  /** Mixed into the hash of generated names. @default "" */
  hashPrefix?: string;
  /** "global": classes stay as written unless wrapped in :local(). @default "local" */
  scopeBehaviour?: 'global' | 'local';
  /** Files (by path) whose classes stay global. @default [] */
  globalModulePaths?: RegExp[];
  /** Export global class names too. @default false */
  exportGlobals?: boolean;
}

/** What a user writes in devpush.config.* (every key optional). Defaults are given in the JSDoc. */
export interface UserConfig {
  /** Folder whose files are served at the site root, untransformed (`public/favicon.svg` → `/favicon.svg`); false turns it off. Relative to the served folder. @default "public" */
  publicDir?: string | false;
  /** "spa": a page navigation to a path with no file gets the nearest index.html (client-side routes); "mpa": a 404. @default "spa" */
  appType?: 'spa' | 'mpa';
  /** Prefixes of the environment variables (from .env files and the shell) that pages see in `import.meta.env`. @default ["DEVPUSH_", "VITE_"] */
  envPrefix?: string | string[];
  /** How much the terminal shows: "info" (everything), "warn", "error" or "silent". @default "info" */
  logLevel?: LogLevel;
  client?: {
    /** Also show the pages' `console.error` calls in the terminal (uncaught errors always are). @default false */
    forwardConsole?: boolean;
  };
  server?: {
    /** Port to listen on; a busy port moves to the next free one unless strictPort. @default 4800 */
    port?: number;
    /** Interface to listen on. Anything but loopback exposes the project to the network. @default "localhost" */
    host?: string;
    /** Fail instead of moving to the next free port. @default false */
    strictPort?: boolean;
    /** Open the browser when ready: true for the root, or a path such as "/docs/". @default false */
    open?: boolean | string;
    /** Extra Host header names accepted besides loopback ones (DNS-rebinding guard). @default [] */
    allowedHosts?: string[];
    cors?: {
      /** Origins of pages (served by another backend) allowed to use the snippet. @default localhost origins */
      origins?: string[];
    };
    /** Open connections in all; more are answered 503 and closed. @default 1024 */
    maxConnections?: number;
    /** Open connections from one remote address; more are answered 503 and closed. @default 256 */
    maxConnectionsPerPeer?: number;
    /**
     * Proxy mode: every request that is not devpush's own (`/__devpush/...`) nor a build entry goes to
     * this backend; its HTML pages get the client. `changeOrigin` sends the backend's own Host instead of
     * the browser's. @default none
     */
    backend?: string | { target: string; changeOrigin?: boolean; secure?: boolean };
    /**
     * Path prefixes sent to other servers, as Vite's `server.proxy`: the first matching prefix wins.
     * `ws: true` proxies WebSocket upgrades too; `rewrite` changes the path sent. @default {}
     */
    proxy?: Record<string, string | ProxyRuleOptions>;
    /** Serve over TLS with HTTP/2: true for a local certificate devpush makes, or PEM file paths. @default false */
    https?: boolean | { cert: string; key: string };
    fs?: {
      /** Folders outside the served one that may be read. @default [] */
      allow?: string[];
      /** Extra file name globs that are never served, besides the built-in secrets list. @default [] */
      deny?: string[];
    };
  };
  watch?: {
    /** Paths not watched, besides .git, node_modules and editor temp files. @default [] */
    ignore?: IgnoreMatcher[];
    /** Extra folders to watch outside the served one (e.g. a shared library). @default [] */
    paths?: string[];
    /** Poll instead of native events (network drives, WSL /mnt, some containers). @default auto */
    usePolling?: boolean;
    /** Polling interval in ms. @default 100 */
    interval?: number;
  };
  build?: {
    /** Source entries to bundle besides those found in served HTML, as URL paths ("/src/main.ts"). @default [] */
    entries?: string[];
    /** esbuild target(s). @default "es2022" */
    target?: string | string[];
    /** Global constant replacements, as esbuild `define`. @default {} */
    define?: Record<string, string>;
    /** Source maps for built entries (served beside them, paths relative to the folder). @default true */
    sourcemap?: boolean;
    /** How JSX is compiled: "automatic" (jsx-runtime imports) or "transform" (factory calls). @default from tsconfig, else "transform" */
    jsx?: BuildJsx;
    /** Package that provides the automatic JSX runtime, e.g. "preact" (implies jsx "automatic"). @default from tsconfig, else "react" */
    jsxImportSource?: string;
    /** Function called for each JSX element with jsx "transform". @default "React.createElement" */
    jsxFactory?: string;
    /** Component used for <></> with jsx "transform". @default "React.Fragment" */
    jsxFragment?: string;
    /** esbuild loader per file extension, e.g. { ".data": "text" }. @default {} */
    loader?: Record<string, BuildLoader>;
    /** Import paths replaced by packages or paths (relative to the config file), e.g. { "react": "preact/compat" }. @default {} */
    alias?: Record<string, string>;
    /** Import paths left as they are in the bundle (the browser resolves them itself). @default [] */
    external?: string[];
    /** tsconfig.json to use (relative to the config file); by default the nearest one above each entry. */
    tsconfig?: string;
    /**
     * Serve module scripts bundled by esbuild, one file per entry, a full reload on every change (no HMR),
     * instead of module by module with HMR. @default false
     */
    bundle?: boolean;
  };
  css?: {
    /** How `*.module.css` files are scoped, as Vite's `css.modules`; false: they are plain stylesheets. */
    modules?: CssModulesOptions | false;
  };
  channel?: {
    /** Rungs offered and their order. @default ["websocket", "sse", "stream", "poll"] */
    transports?: TransportName[];
    /** Interval between heartbeats (ms). @default 15000 */
    heartbeatMs?: number;
    ring?: {
      /** Messages kept for replay after a reconnect, beyond the last 10 s (always kept, up to 16 MiB). @default 256 */
      maxMessages?: number;
      /** Age after which a message is no longer replayed (ms). @default 300000 */
      maxAgeMs?: number;
    };
  };
}

/** The config after defaults, file and flags are merged: every value present, frozen. */
export interface ResolvedConfig {
  /** Absolute path of the served folder. */
  root: string;
  /** Absolute path of the config file read, or null. */
  configFile: string | null;
  /** Lines for the terminal at start-up about how the config was read (e.g. which vite.config keys apply). */
  notices: readonly string[];
  /** Absolute path of the public folder, or null when turned off. */
  publicDir: string | null;
  appType: 'spa' | 'mpa';
  envPrefix: readonly string[];
  logLevel: LogLevel;
  client: {
    forwardConsole: boolean;
  };
  server: {
    port: number;
    host: string;
    strictPort: boolean;
    open: boolean | string;
    allowedHosts: readonly string[];
    corsOrigins: readonly string[];
    fsAllow: readonly string[];
    fsDeny: readonly string[];
    maxConnections: number;
    maxConnectionsPerPeer: number;
    /** Proxy mode's backend, or null when devpush serves the folder itself. */
    backend: ProxyRule | null;
    proxy: readonly ProxyRule[];
    /** null: plain HTTP; `{ cert: null, key: null }`: a local certificate devpush makes and caches. */
    https: { cert: string | null; key: string | null } | null;
  };
  watch: {
    ignore: readonly IgnoreMatcher[];
    paths: readonly string[];
    usePolling: boolean | 'auto';
    interval: number;
  };
  build: {
    entries: readonly string[];
    target: string | readonly string[];
    define: Readonly<Record<string, string>>;
    sourcemap: boolean;
    /** null: left to tsconfig / esbuild. */
    jsx: BuildJsx | null;
    jsxImportSource: string | null;
    jsxFactory: string | null;
    jsxFragment: string | null;
    loader: Readonly<Record<string, BuildLoader>>;
    /** Relative paths already made absolute. */
    alias: Readonly<Record<string, string>>;
    external: readonly string[];
    /** Absolute path, or null for the nearest tsconfig.json. */
    tsconfig: string | null;
    /** true: the bundled path (src/bundle); false: modules one by one with HMR (src/modules). */
    bundle: boolean;
  };
  css: {
    /** null: `css.modules: false`. */
    modules: Readonly<CssModulesOptions> | null;
  };
  channel: {
    transports: readonly TransportName[];
    heartbeatMs: number;
    ringMaxMessages: number;
    ringMaxAgeMs: number;
  };
}

/** Identity function that gives a config file its types. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
