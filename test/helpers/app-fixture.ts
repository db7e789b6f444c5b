import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, REPO_ROOT } from './fixture.js';

/** What a React app fixture installs: the repository's pinned copies (devDependencies of devpush). */
export const REACT_PACKAGES = ['react', 'react-dom', 'react-refresh', 'scheduler'];

/**
 * A private copy of an app fixture with its own node_modules folder whose packages link to the repository's.
 * Its own folder (not a link to the repository's node_modules) keeps each copy's dependency cache apart,
 * so test files running at once never share node_modules/.cache.
 */
export function copyAppFixture(name: string, packages: readonly string[] = REACT_PACKAGES): string {
  const dir = copyFixture(name);
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  for (const name of packages) {
    symlinkSync(realpathSync(path.join(REPO_ROOT, 'node_modules', name)), path.join(modules, name), 'dir');
  }
  return dir;
}
