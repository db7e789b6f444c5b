// The import queries Vite users write (`./logo.svg?raw`, `./app.css?inline`, `./x.png?url`), and the id of
// a module imported with one: `/src/logo.svg?raw` is its own module, apart from `/src/logo.svg`.
import { IMPORT_PARAM, IMPORT_QUERIES, type ImportQuery, MODULE_VERSION_PARAM } from '../protocol.js';

export { IMPORT_QUERIES, type ImportQuery };

/** Params devpush itself puts on module URLs (and `t`, a cache buster apps add); never an unknown query. */
const OWN_PARAMS = new Set<string>([IMPORT_PARAM, MODULE_VERSION_PARAM, 't']);

function isImportQuery(name: string): name is ImportQuery {
  return (IMPORT_QUERIES as readonly string[]).includes(name);
}

/** A specifier's path and its import query; `error` names an unknown query (and the known ones). */
export function splitSpecifier(specifier: string): { path: string; query: ImportQuery | null; error?: string } {
  const at = specifier.search(/[?#]/);
  if (at < 0 || specifier[at] === '#') return { path: at < 0 ? specifier : specifier.slice(0, at), query: null };
  const path = specifier.slice(0, at);
  const names = [...new URLSearchParams(specifier.slice(at + 1).replace(/#.*$/, '')).keys()];
  const unknown = names.find((name) => !isImportQuery(name) && !OWN_PARAMS.has(name));
  if (unknown !== undefined) {
    const known = IMPORT_QUERIES.map((name) => `?${name}`).join(', ');
    return { path, query: null, error: `"${specifier}": unknown import query ?${unknown} (known: ${known})` };
  }
  return { path, query: names.find(isImportQuery) ?? null };
}

/** The module id of a file path imported with a query. */
export function moduleId(urlPath: string, query: ImportQuery | null): string {
  return query ? `${urlPath}?${query}` : urlPath;
}

/** A module id back into its URL path and query. */
export function parseModuleId(id: string): { path: string; query: ImportQuery | null } {
  const at = id.indexOf('?');
  if (at < 0) return { path: id, query: null };
  const name = id.slice(at + 1);
  return { path: id.slice(0, at), query: isImportQuery(name) ? name : null };
}

/** The served URL of a module at a version: `/src/logo.svg?raw&import&v=…`. */
export function versionedUrl(id: string, version: string, asImport: boolean): string {
  const { path, query } = parseModuleId(id);
  const params = [...(query ? [query] : []), ...(asImport ? [IMPORT_PARAM] : []), `${MODULE_VERSION_PARAM}=${version}`];
  return `${encodeURI(path)}?${params.join('&')}`;
}

/** The module id a request names: its path, and the import query among its params. */
export function requestedId(pathname: string, params: URLSearchParams): string {
  return moduleId(pathname, [...params.keys()].find(isImportQuery) ?? null);
}
