// `server.proxy` as Vite users write it: path prefixes (or `^regex`) sent to other servers, first match
// wins, WebSocket upgrades only for rules with `ws: true`.
import type { ProxyRule } from '../config/types.js';

/** The rule for a request target (`/api/users?x=1`), or null. Upgrades consider `ws` rules only. */
export function matchRule(rules: readonly ProxyRule[], url: string, upgrade: boolean): ProxyRule | null {
  for (const rule of rules) {
    if (upgrade && !rule.ws) continue;
    const matches = rule.prefix.startsWith('^') ? new RegExp(rule.prefix).test(url) : url.startsWith(rule.prefix);
    if (matches) return rule;
  }
  return null;
}

/** How a rule is named in the terminal: `"/api" → http://localhost:3000`. */
export function describeRule(rule: ProxyRule): string {
  return `server.proxy "${rule.prefix}" → ${rule.target}`;
}
