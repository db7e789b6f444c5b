import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { FileAccess, type FileAccessOptions, type Refusal, type ResolvedFile } from './paths.js';

/** How a path with no file is answered: "spa" gives the nearest index.html to page navigations, "mpa" a 404. */
export type AppType = 'spa' | 'mpa';

export interface LookupOptions {
  /** Reads the public folder (its files at the site root) under the same rules, or null when turned off. */
  publicAccess: FileAccess | null;
  appType: AppType;
}

/**
 * Finds the file a GET names, as Vite-style apps expect: the public folder's files at the site root, the
 * folder's own files, then, for a page navigation with no file, `/about` → `/about.html` and the nearest
 * `index.html` (client-side routes). Every candidate goes through `FileAccess`, so the same path and secret
 * rules hold; a refusal (403) is final and never turned into a fallback page.
 */
export async function lookupFile(
  req: IncomingMessage,
  urlPath: string,
  access: FileAccess,
  options: LookupOptions,
): Promise<ResolvedFile | Refusal> {
  if (options.publicAccess && !urlPath.endsWith('/')) {
    const fromPublic = await options.publicAccess.resolve(urlPath);
    if ('file' in fromPublic) return fromPublic;
  }
  const found = await access.resolve(urlPath);
  if ('file' in found || found.status !== 404 || !isPageNavigation(req, urlPath)) return found;
  if (!urlPath.endsWith('/')) {
    const clean = await access.resolve(`${urlPath}.html`);
    if ('file' in clean) return clean;
  }
  if (options.appType !== 'spa') return found;
  return (await nearestIndex(urlPath, access)) ?? found;
}

/**
 * A browser navigating to a page: GET, accepts HTML, and a last segment without an extension (a missing
 * `/logo.png` or `/app.js` stays a 404, as it must for the asset's own error to show).
 */
export function isPageNavigation(req: IncomingMessage, urlPath: string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!/\btext\/html\b/.test(req.headers.accept ?? '')) return false;
  const last = urlPath.slice(urlPath.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/** `index.html` of the requested folder or the closest folder above it that has one. */
async function nearestIndex(urlPath: string, access: FileAccess): Promise<ResolvedFile | null> {
  let dir = urlPath.endsWith('/') ? urlPath : path.posix.dirname(urlPath);
  for (;;) {
    const index = await access.resolve(path.posix.join(dir, 'index.html'));
    if ('file' in index) return { ...index, index: false };
    if (dir === '/') return null;
    dir = path.posix.dirname(dir.replace(/\/$/, '')) || '/';
  }
}

/**
 * The folder's files with the public folder's at the site root first, as `lookupFile` finds them: what
 * modules read, so `import logo from '/logo.svg'` finds public/logo.svg under the same rules.
 */
export class SiteAccess extends FileAccess {
  constructor(
    options: FileAccessOptions,
    private readonly publicAccess: FileAccess | null,
  ) {
    super(options);
  }

  override async resolve(urlPath: string): Promise<ResolvedFile | Refusal> {
    if (this.publicAccess && !urlPath.endsWith('/')) {
      const fromPublic = await this.publicAccess.resolve(urlPath);
      if ('file' in fromPublic) return fromPublic;
    }
    return super.resolve(urlPath);
  }
}
