// The nonces a page's CSP asks devpush's tags to carry. Its own file so that the server, which tags every
// page, does not load the proxy's answering code (zlib, streams, the CSP amender) before a proxy is asked for.
import { CSP_NONCE_META } from '../protocol.js';

/** Nonces the tags devpush adds must carry under the page's CSP (null: none needed). */
export interface PageNonces {
  script: string | null;
  style: string | null;
}
export const NO_NONCES: PageNonces = { script: null, style: null };

/** Tells the client and hot runtime the nonce for the `<style>` elements they add (none needed: nothing). */
export function styleNonceMeta(nonce: string | null): string {
  return nonce ? `<meta property="${CSP_NONCE_META}" nonce="${nonce}">` : '';
}
