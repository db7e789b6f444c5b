import { BOOT_PARAM } from '../../protocol.js';
import { type Handler, sendBody } from './route.js';

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/**
 * The browser client. Its bytes are fixed for a run, so the URL pages get (naming this run with
 * BOOT_PARAM) is cached for good; any other URL of it is revalidated.
 */
export function clientScript(
  bundle: Buffer,
  bootId: string,
  corsHeaders: (request: Parameters<Handler>[0]) => Record<string, string>,
): Handler {
  return (request) =>
    sendBody(request, bundle, {
      ...corsHeaders(request),
      'Content-Type': JAVASCRIPT,
      'Cache-Control': request.url.searchParams.get(BOOT_PARAM) === bootId ? 'max-age=31536000, immutable' : 'no-cache',
    });
}

/** A script of devpush's own pages (the status page), revalidated on every load. */
export function pageScript(bundle: Buffer): Handler {
  return (request) => sendBody(request, bundle, { 'Content-Type': JAVASCRIPT, 'Cache-Control': 'no-cache' });
}
