// Import specifiers of transformed JavaScript, found by es-module-lexer (a real lexer, not regexes), and
// their rewriting by position.
type EsmLexer = typeof import('es-module-lexer');

export interface ImportSite {
  specifier: string;
  /** Where the specifier's text is: inside the quotes for static imports, the quoted string for dynamic ones. */
  start: number;
  end: number;
  dynamic: boolean;
}

let lexer: EsmLexer | null = null;
let loading: Promise<EsmLexer> | null = null;

/**
 * es-module-lexer, loaded and its WebAssembly compiled on first use: a static folder never needs it, and
 * start-up does not pay for it. Call before `importSites`.
 */
export function lexerReady(): Promise<EsmLexer> {
  loading ??= import('es-module-lexer').then(async (loaded) => {
    await loaded.init();
    lexer = loaded;
    return loaded;
  });
  return loading;
}

/** Imports with a literal specifier; `import(expr)` with a computed one is left to the browser. */
export function importSites(code: string): ImportSite[] {
  if (!lexer) throw new Error('importSites before lexerReady()');
  const [imports] = lexer.parse(code);
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
