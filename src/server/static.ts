import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { contentType } from '../http/content-type.js';
import { type LookupOptions, lookupFile } from './lookup.js';
import type { FileAccess, ResolvedFile, Target } from './paths.js';
import { sendText } from './respond.js';

export { contentType };

// range-parser is read with the first Range request (media seeking), not at start-up.
const requireHere = createRequire(import.meta.url);
let parseRange: typeof import('range-parser') | undefined;

export function isHtml(file: string): boolean {
  return /\.html?$/i.test(file);
}

/** Turns an HTML page into what is served (the client tag injected); supplied by the server. */
export type HtmlTransform = (html: string, urlPath: string) => string | Promise<string>;

/**
 * Serves files of the root: HTML read and transformed (never cached: it carries the current cursor),
 * everything else streamed with a weak ETag and 304s, `Cache-Control: no-cache` so edits are seen.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  target: Target,
  access: FileAccess,
  transformHtml: HtmlTransform,
  lookup: LookupOptions,
): Promise<void> {
  const urlPath = target.pathname;
  const found = await lookupFile(req, urlPath, access, lookup);
  if (!('file' in found)) {
    sendText(res, found.status, found.reason);
    return;
  }
  if (found.index && !urlPath.endsWith('/')) {
    // Relative links in a folder's index.html need the trailing slash. The Location is the path as sent
    // (still encoded, slashes collapsed so `//host` cannot appear): it stays on this origin.
    res.writeHead(301, { Location: `${target.rawPath}/${target.url.search}` });
    res.end();
    return;
  }
  if (isHtml(found.file)) await sendHtml(req, res, found, urlPath, transformHtml);
  else sendFile(req, res, found);
}

async function sendHtml(
  req: IncomingMessage,
  res: ServerResponse,
  found: ResolvedFile,
  urlPath: string,
  transformHtml: HtmlTransform,
): Promise<void> {
  const body = Buffer.from(await transformHtml(await readFile(found.file, 'utf8'), urlPath));
  res.writeHead(200, {
    'Content-Type': contentType(found.file),
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendFile(req: IncomingMessage, res: ServerResponse, found: ResolvedFile): void {
  const { size } = found.stats;
  const etag = `W/"${size.toString(16)}-${Math.floor(found.stats.mtimeMs).toString(16)}"`;
  const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'Accept-Ranges': 'bytes' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const range = byteRange(req, size, etag);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const type = contentType(found.file);
  if (range) {
    res.writeHead(206, {
      ...headers,
      'Content-Type': type,
      'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
      'Content-Length': range.end - range.start + 1,
    });
  } else {
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': size });
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(found.file, range ?? {});
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * The one byte range asked for (video and audio seeking), 'unsatisfiable' for a 416, or null for the
 * whole file: no Range, a stale If-Range, a malformed header, or several ranges (answered whole, as
 * the RFC allows).
 */
function byteRange(
  req: IncomingMessage,
  size: number,
  etag: string,
): { start: number; end: number } | 'unsatisfiable' | null {
  const header = req.headers.range;
  if (header === undefined) return null;
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag) return null;
  parseRange ??= requireHere('range-parser') as typeof import('range-parser');
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return null;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

export function urlPathOf(root: string, file: string): string {
  return `/${path.relative(root, file).split(path.sep).join('/')}`;
}
