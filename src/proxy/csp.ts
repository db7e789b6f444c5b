// A backend's Content-Security-Policy can forbid the injected client (`script-src`), its channel
// (`connect-src`) or the styles devpush adds (`style-src`). The policy is amended for exactly those: the
// client script and devpush's styles (through the page's own nonce when it has one) and the channel's
// URLs; nothing else in the header changes.
import { ROUTE_PREFIX, routePath } from '../protocol.js';

export interface OwnSources {
  /** devpush's origin as the page sees it (`http://localhost:4800`). */
  origin: string;
  /** A nonce devpush may add when the policy trusts scripts by nonce or hash only. */
  nonce: string;
}

export interface AmendedPolicy {
  header: string;
  /** The nonce the client tag must carry, or null when the policy lets it in by URL. */
  nonce: string | null;
  /** The nonce devpush's stylesheets and `<style>` elements must carry, or null when they need none. */
  styleNonce: string | null;
  changed: boolean;
}

type Directive = [name: string, tokens: string[]];

function parse(policy: string): Directive[] {
  return policy
    .split(';')
    .map((part) => part.trim().split(/\s+/).filter(Boolean))
    .filter((tokens) => tokens.length > 0)
    .map(([name, ...tokens]) => [name!.toLowerCase(), tokens]);
}

const format = (directives: Directive[]) => directives.map(([name, tokens]) => [name, ...tokens].join(' ')).join('; ');
/** A nonce of the policy, only as CSP's grammar spells one (base64): it is written into attributes. */
const nonceIn = (tokens: string[]) =>
  tokens.find((t) => /^'nonce-[A-Za-z0-9+/_-]+={0,2}'$/i.test(t))?.slice(7, -1) ?? null;
const trustsByNonceOrHash = (tokens: string[]) =>
  tokens.some((t) => /^'(strict-dynamic|nonce-.+|sha(256|384|512)-.+)'$/i.test(t));

/** Adds `sources` a directive lacks; `'none'` goes, since it cannot stand beside a source. */
function add(tokens: string[], sources: string[]): boolean {
  const missing = sources.filter((s) => !tokens.includes(s));
  if (missing.length === 0) return false;
  const none = tokens.findIndex((t) => t.toLowerCase() === "'none'");
  if (none >= 0) tokens.splice(none, 1);
  tokens.push(...missing);
  return true;
}

/** The directive that governs `names[0]`, created from default-src when only that one is written. */
function governing(directives: Directive[], names: string[], pending: (() => void)[]): Directive[] {
  const found = directives.filter(([name]) => names.includes(name));
  if (found.length) return found;
  const fallback = directives.find(([name]) => name === 'default-src');
  if (!fallback) return [];
  const created: Directive = [names.at(-1)!, fallback[1].filter((t) => t.toLowerCase() !== "'none'")];
  // Written only if something is added to it: a copy of default-src alone changes nothing.
  const size = created[1].length;
  directives.push(created);
  pending.push(() => {
    if (created[1].length === size) directives.splice(directives.indexOf(created), 1);
  });
  return [created];
}

function amendPolicy(policy: string, own: OwnSources): AmendedPolicy {
  const directives = parse(policy);
  let changed = false;
  let nonce: string | null = null;
  const pending: (() => void)[] = [];
  const scripts = governing(directives, ['script-src-elem', 'script-src'], pending);
  const existing = scripts.map(([, tokens]) => nonceIn(tokens)).find(Boolean) ?? null;
  if (existing) nonce = existing;
  else if (scripts.some(([, tokens]) => trustsByNonceOrHash(tokens))) {
    nonce = own.nonce;
    for (const [, tokens] of scripts) changed = add(tokens, [`'nonce-${own.nonce}'`]) || changed;
  } else {
    const client = `${own.origin}${routePath('client')}`;
    for (const [, tokens] of scripts) if (!tokens.includes("'self'")) changed = add(tokens, [client]) || changed;
  }
  const styles = stylesNonce(governing(directives, ['style-src-elem', 'style-src'], pending), own);
  changed = styles.changed || changed;
  const channel = [`${own.origin}${ROUTE_PREFIX}`, `${own.origin.replace(/^http/, 'ws')}${ROUTE_PREFIX}`];
  // 'self' covers the channel on every rung (CSP3 lets it match ws: and wss: of the same host).
  for (const [, tokens] of governing(directives, ['connect-src'], pending)) {
    if (!tokens.includes("'self'")) changed = add(tokens, channel) || changed;
  }
  for (const drop of pending) drop();
  return { header: changed ? format(directives) : policy, nonce, styleNonce: styles.nonce, changed };
}

/**
 * devpush adds stylesheets (an entry's CSS) and `<style>` elements (CSS imported by modules, the error
 * overlay): with the page's style nonce they pass; where inline styles are not allowed and the page has no
 * nonce, a nonce of ours is added, which lets in only the elements that carry it.
 */
function stylesNonce(styles: Directive[], own: OwnSources): { nonce: string | null; changed: boolean } {
  const existing = styles.map(([, tokens]) => nonceIn(tokens)).find(Boolean);
  if (existing) return { nonce: existing, changed: false };
  const inlineAllowed = (tokens: string[]) =>
    tokens.some((t) => t.toLowerCase() === "'unsafe-inline'") && !trustsByNonceOrHash(tokens);
  if (styles.every(([, tokens]) => inlineAllowed(tokens))) return { nonce: null, changed: false };
  let changed = false;
  for (const [, tokens] of styles) changed = add(tokens, [`'nonce-${own.nonce}'`]) || changed;
  return { nonce: own.nonce, changed };
}

/** Amends every policy of a `Content-Security-Policy` header (several are joined by commas). */
export function amendCsp(header: string, own: OwnSources): AmendedPolicy {
  const results = header.split(',').map((policy) => amendPolicy(policy, own));
  return {
    header: results.map((r) => r.header.trim()).join(', '),
    nonce: results.map((r) => r.nonce).find(Boolean) ?? null,
    styleNonce: results.map((r) => r.styleNonce).find(Boolean) ?? null,
    changed: results.some((r) => r.changed),
  };
}
