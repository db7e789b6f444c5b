// Import specifiers of transformed JavaScript, found by es-module-lexer (a real lexer, not regexes), and
// their rewriting by position.
import { init, parse } from 'es-module-lexer';

export interface ImportSite {
  specifier: string;
  /** Where the specifier's text is: inside the quotes for static imports, the quoted string for dynamic ones. */
  start: number;
  end: number;
  dynamic: boolean;
}

export const lexerReady = init();

/** Imports with a literal specifier; `import(expr)` with a computed one is left to the browser. */
export function importSites(code: string): ImportSite[] {
  const [imports] = parse(code);
  const sites: ImportSite[] = [];
  for (const entry of imports) {
    if (entry.type === 'import-meta' || typeof entry.specifier !== 'string') continue;
    const dynamic = entry.type === 'dynamic';
    if (dynamic) {
      const quote = code[entry.start];
      if (quote !== '"' && quote !== "'") continue;
      if (code[entry.end - 1] !== quote) continue;
    }
    sites.push({ specifier: entry.specifier, start: entry.start, end: entry.end, dynamic });
  }
  return sites;
}

/** Replaces each site's specifier with `replace(site)` (null leaves it); dynamic ones stay quoted. */
export function rewriteImports(
  code: string,
  sites: ImportSite[],
  replace: (site: ImportSite) => string | null,
): string {
  let out = '';
  let at = 0;
  for (const site of [...sites].sort((a, b) => a.start - b.start)) {
    const next = replace(site);
    if (next === null) continue;
    out += code.slice(at, site.start) + (site.dynamic ? JSON.stringify(next) : next);
    at = site.end;
  }
  return out + code.slice(at);
}
