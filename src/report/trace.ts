import type { TraceMap } from '@jridgewell/trace-mapping';
import type { StackFrame } from './stack.js';

type TraceMapping = typeof import('@jridgewell/trace-mapping');
/** Loaded with the first map read: most runs never map a frame, and start-up does not pay for it. */
let traceMapping: Promise<TraceMapping> | null = null;
const loadTraceMapping = () => (traceMapping ??= import('@jridgewell/trace-mapping'));

/**
 * Reads what this server would serve at a URL path and query (a module, a bundle, a map, a static file),
 * or null. The only way the mapping reaches any bytes: a frame's URL is never a file path, so nothing
 * outside what a GET may read is ever read.
 */
export type ServedReader = (urlPath: string) => Promise<string | null>;

/** A frame mapped to the user's own file, or left as served when no source map says more. */
export interface MappedFrame {
  fn: string | null;
  /** Relative to the served folder ("src/main.ts"), or the URL as the browser gave it (another origin). */
  file: string;
  line: number;
  column: number;
  /** The code frame's source lines, when known. */
  source: string | null;
}

const MAP_COMMENT = /\/[/*][#@]\s*sourceMappingURL=([^\s*'"]+)\s*(?:\*\/)?\s*$/;
const CACHE_LIMIT = 64;

/** Maps browser stack frames through source maps; maps are read once per served file and cached. */
export class StackMapper {
  private readonly cache = new Map<string, Promise<{ map: TraceMap | null; code: string } | null>>();

  constructor(
    private readonly read: ServedReader,
    /** `host:port` this server answers as; frames of other origins are not mapped. */
    private readonly isOwnHost: (host: string) => boolean,
  ) {}

  /** Forget cached maps (their files changed). */
  clear(): void {
    this.cache.clear();
  }

  async map(frame: StackFrame): Promise<MappedFrame> {
    const asServed: MappedFrame = {
      fn: frame.fn,
      file: frame.url,
      line: frame.line,
      column: frame.column,
      source: null,
    };
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return asServed;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !this.isOwnHost(url.host)) return asServed;
    // With its query: `?import` and `?v=` decide whether a path is served as a module, and which bytes.
    const served = await this.load(url.pathname + url.search);
    if (!served) return asServed;
    const own = { ...asServed, file: url.pathname.replace(/^\//, ''), source: served.code };
    if (!served.map) return own;
    const { originalPositionFor, sourceContentFor } = await loadTraceMapping();
    const position = originalPositionFor(served.map, { line: frame.line, column: Math.max(0, frame.column - 1) });
    if (position.source === null || position.line === null) return own;
    return {
      fn: position.name ?? frame.fn,
      file: displayName(position.source),
      line: position.line,
      column: position.column + 1,
      source: sourceContentFor(served.map, position.source),
    };
  }

  private load(urlPath: string): Promise<{ map: TraceMap | null; code: string } | null> {
    let entry = this.cache.get(urlPath);
    if (!entry) {
      entry = this.readWithMap(urlPath).catch(() => null);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(urlPath, entry);
    }
    return entry;
  }

  private async readWithMap(urlPath: string): Promise<{ map: TraceMap | null; code: string } | null> {
    const code = await this.read(urlPath);
    if (code === null) return null;
    const tail = code.slice(-4096).trimEnd();
    const reference = MAP_COMMENT.exec(tail)?.[1];
    if (!reference) return { map: null, code };
    // Sources resolve against a placeholder origin, so they come out as URL paths of this server.
    const base = new URL(urlPath, 'http://devpush.invalid');
    const { TraceMap } = await loadTraceMapping();
    if (reference.startsWith('data:')) return { map: new TraceMap(decodeDataUrl(reference), base.href), code };
    const mapUrl = new URL(reference, base);
    if (mapUrl.origin !== base.origin) return { map: null, code };
    const text = await this.read(mapUrl.pathname);
    return { map: text === null ? null : new TraceMap(text, mapUrl.href), code };
  }
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  const meta = url.slice(0, comma);
  const data = url.slice(comma + 1);
  return meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}

/** A source as the map names it, resolved to a path relative to the served folder where it is one. */
function displayName(source: string): string {
  try {
    const url = new URL(source);
    if (url.origin === 'http://devpush.invalid') return decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    // Not a URL: as the map wrote it.
  }
  return source;
}

/** A few lines around `line`, numbered, with a caret under `column` (both 1-based). */
export function codeFrame(source: string, line: number, column: number, before = 2, after = 1): string {
  const lines = source.split(/\r?\n/);
  if (line < 1 || line > lines.length) return '';
  const first = Math.max(1, line - before);
  const last = Math.min(lines.length, line + after);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').slice(0, 160);
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${text}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.min(column - 1, 160))}^`);
  }
  return out.join('\n');
}
