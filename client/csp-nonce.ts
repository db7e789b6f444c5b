// On a page whose Content-Security-Policy limits styles, a `<style>` devpush adds must carry the page's
// nonce. The server names it in a `<meta property="csp-nonce">` (Vite's spelling) when the CSP asks for one.
import { CSP_NONCE_META } from '../src/protocol.js';

/** Gives `style` the page's style nonce, if it has one. */
export function withStyleNonce<T extends HTMLStyleElement>(style: T): T {
  // `.nonce` keeps the value after the browser hides the attribute (nonce hiding).
  const nonce = document.querySelector<HTMLMetaElement>(`meta[property="${CSP_NONCE_META}"]`)?.nonce;
  if (nonce) style.nonce = nonce;
  return style;
}
