// Whether a module's new exports can replace its old ones in place under React Refresh. Pure: the glue
// (react-refresh.ts) passes the runtime's component test in, so this runs under Node in unit tests.

export type Exports = Record<string, unknown>;

/** Why `next` cannot replace `previous` in place, or null when it can. `previous` null: not known yet. */
export function refreshRefusal(
  previous: Exports | null,
  next: Exports,
  isComponent: (value: unknown) => boolean,
): string | null {
  const names = Object.keys(next);
  if (previous) {
    const removed = Object.keys(previous).filter((name) => !(name in next));
    if (removed.length > 0) return `export ${removed.join(', ')} was removed, so its importers must re-run`;
    const added = names.filter((name) => !(name in previous));
    if (added.length > 0) return `export ${added.join(', ')} is new, so its importers must re-run`;
  }
  if (names.length === 0) return 'it exports nothing React can refresh';
  // A value that is not a component may stay when it did not change (a re-exported constant, say).
  const others = names.filter((name) => !isComponent(next[name]) && (!previous || previous[name] !== next[name]));
  if (others.length > 0)
    return `it also exports ${others.join(', ')}, which ${others.length > 1 ? 'are' : 'is'} not a component`;
  return null;
}
