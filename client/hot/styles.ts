// Stylesheets the hot runtime owns: CSS imported from a module becomes one <style> element per file,
// replaced in place on update (no reload, no flash: the old rules stay until the new text is set).
import { withStyleNonce } from '../csp-nonce.js';

const owned = new Map<string, HTMLStyleElement>();

/** Sets the CSS text of the style owned under `id` (the CSS file's URL path), creating it the first time. */
export function updateStyle(id: string, css: string): void {
  let style = owned.get(id);
  if (!style) {
    style = withStyleNonce(document.createElement('style'));
    style.dataset.devpushStyle = id;
    document.head.append(style);
    owned.set(id, style);
  }
  if (style.textContent !== css) style.textContent = css;
}

/** Removes the style owned under `id` (its module was pruned: nothing imports the CSS any more). */
export function removeStyle(id: string): void {
  owned.get(id)?.remove();
  owned.delete(id);
}
