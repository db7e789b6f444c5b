export function greeting(clicks: number): string {
  return clicks === 0 ? 'Click anywhere to count.' : `Clicked ${clicks} time${clicks === 1 ? '' : 's'}.`;
}
