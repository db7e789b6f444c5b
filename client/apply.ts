import { ASSET_VERSION_PARAM, type ServerMessage } from '../src/protocol.js';
import { hotRuntime, hotUpdate } from './hot-bridge.js';
import { clearOverlay, showOverlay } from './overlay.js';
import { interimText } from './style-text.js';

/** Applies one message to the page. The switch is exhaustive: a new kind fails the type check here. */
export function apply(message: ServerMessage): void {
  switch (message.kind) {
    case 'reload':
    case 'resync':
      hotRuntime()?.notify('devpush:beforeFullReload', { reason: message.reason });
      location.reload();
      return;
    case 'css':
      swapStylesheets(message.paths, message.version, message.texts);
      return;
    case 'img':
      swapImages(message.paths, message.version);
      return;
    case 'update':
      hotUpdate(message);
      return;
    case 'error':
      showOverlay(message.source, message.errors);
      return;
    case 'error-cleared':
      clearOverlay(message.source);
      return;
    case 'custom':
      window.dispatchEvent(new CustomEvent('devpush:custom', { detail: { event: message.event, data: message.data } }));
      hotRuntime()?.notify(message.event, message.data);
      return;
    case 'hello':
    case 'ping':
      return;
    default:
      message satisfies never;
  }
}

function withVersion(href: string, version: number): string {
  const url = new URL(href, location.href);
  url.searchParams.set(ASSET_VERSION_PARAM, String(version));
  return url.href;
}

function pathOf(href: string): string {
  return new URL(href, location.href).pathname;
}

/** The <style> showing a link's new text while its clone loads (removed with the old link). */
const interims = new WeakMap<HTMLLinkElement, HTMLStyleElement>();

/** Swaps whose new file failed to load (a cut, a proxy's 502): tried again when the channel is back. */
const failedLinks = new Map<HTMLLinkElement, number>();
const failedImages = new Map<HTMLImageElement, number>();

/** How many path segments two URL paths share at their end (`/static/css/a.css`, `/css/a.css`: 2). */
function sharedTail(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  let shared = 0;
  while (shared < Math.min(left.length, right.length) - 1 && left.at(-1 - shared) === right.at(-1 - shared)) shared++;
  return shared;
}

/**
 * The links that serve a changed file: the ones sharing the longest tail of its path, at least its
 * name. A backend (proxy mode) often serves the folder's `static/css/site.css` at `/assets/css/site.css`.
 */
function linksServing(path: string, links: HTMLLinkElement[]): HTMLLinkElement[] {
  const scored = links.map((link) => ({ link, shared: sharedTail(pathOf(link.href), path) }));
  const best = Math.max(0, ...scored.map((s) => s.shared));
  return best === 0 ? [] : scored.filter((s) => s.shared === best).map((s) => s.link);
}

/**
 * Swaps each matching stylesheet by inserting a clone with a new URL and removing the old one only once
 * the clone has loaded, so the page is never without its styles (no flash) and nothing reloads. A clone
 * that fails to load goes and the old one stays. A CSS file no <link> names (reached through @import, or
 * served under another name) refreshes every stylesheet.
 */
function swapStylesheets(paths: string[], version: number, texts: Record<string, string> = {}): void {
  const links = [...document.querySelectorAll<HTMLLinkElement>('link[rel~="stylesheet"][href]')].filter(
    (link) => !link.dataset.devpushStale,
  );
  const matching = new Map<HTMLLinkElement, string | undefined>();
  for (const path of paths) for (const link of linksServing(path, links)) matching.set(link, texts[path]);
  if (matching.size === 0) for (const link of links) swapLink(link, version);
  for (const [link, text] of matching) swapLink(link, version, text);
}

/**
 * The new text, when the message carried it, is shown at once by a <style> right after the old link
 * (so it wins where they differ, in the same place of the cascade); the old link stays until the clone
 * has loaded, so a <style> the page's CSP refuses costs nothing but the head start.
 */
function showInterim(link: HTMLLinkElement, text: string | undefined): void {
  const css = text === undefined ? null : interimText(text, link.href);
  if (css === null) return; // one shown before stays until the clone has loaded
  interims.get(link)?.remove();
  const style = document.createElement('style');
  style.dataset.devpushInterim = '';
  if (link.media) style.media = link.media;
  style.textContent = css;
  link.after(style);
  interims.set(link, style);
}

function swapLink(link: HTMLLinkElement, version: number, text?: string): void {
  failedLinks.delete(link);
  const fresh = link.cloneNode() as HTMLLinkElement;
  fresh.href = withVersion(link.href, version);
  link.dataset.devpushStale = '1';
  showInterim(link, text);
  fresh.addEventListener(
    'load',
    () => {
      link.remove();
      interims.get(link)?.remove();
    },
    { once: true },
  );
  fresh.addEventListener(
    'error',
    () => {
      // A stale stylesheet beats an unstyled page.
      fresh.remove();
      delete link.dataset.devpushStale;
      failedLinks.set(link, version);
    },
    { once: true },
  );
  (interims.get(link) ?? link).after(fresh);
}

/** Each image is loaded aside first and shown only once it loaded: a failed load leaves the old one. */
function swapImages(paths: string[], version: number): void {
  for (const image of document.querySelectorAll<HTMLImageElement>('img[src]')) {
    if (paths.includes(pathOf(image.src))) swapImage(image, version);
  }
}

function swapImage(image: HTMLImageElement, version: number): void {
  failedImages.delete(image);
  const src = withVersion(image.src, version);
  const loader = new Image();
  loader.addEventListener('load', () => (image.src = src), { once: true });
  loader.addEventListener('error', () => failedImages.set(image, version), { once: true });
  loader.src = src;
}

/** The channel is back: swaps that failed while it was down are tried again. */
export function retryFailedSwaps(): void {
  for (const [link, version] of failedLinks) if (link.isConnected) swapLink(link, version);
  for (const [image, version] of failedImages) if (image.isConnected) swapImage(image, version);
  failedLinks.clear();
  failedImages.clear();
}
