import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createIgnore } from '../../src/watch/ignore.js';
import { fitsOnMainThread } from '../../src/watch/thread-choice.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

function files(count: number, folder: string): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${folder}/f${i}.txt`, String(i)]));
}

function fits(root: string, limit: number, extra: string[] = []): boolean {
  const bases = [root, ...extra];
  return fitsOnMainThread(bases, createIgnore(bases, []), limit);
}

describe('fitsOnMainThread', () => {
  it('counts files and folders at every depth', () => {
    // 3 folders (a, a/b, a/b/c) and 3 files.
    const root = tempProject({ 'a/x.txt': '', 'a/b/y.txt': '', 'a/b/c/z.txt': '' });
    expect(fits(root, 6)).toBe(true);
    expect(fits(root, 5)).toBe(false);
  });

  it('does not count what the watcher ignores (node_modules, .git, editor temp files)', () => {
    const root = tempProject({
      ...files(50, 'node_modules/pkg'),
      ...files(50, '.git/objects'),
      'index.html': '',
      'index.html~': '',
    });
    // index.html, and the two ignored folders are never entered nor counted.
    expect(fits(root, 1)).toBe(true);
  });

  it('counts watch.paths folders too', () => {
    const root = tempProject(files(3, 'site'));
    const shared = tempProject(files(3, 'theme'));
    expect(fits(root, 4)).toBe(true);
    expect(fits(root, 4, [shared])).toBe(false);
  });

  it('reads only about `limit` entries of a huge folder before answering', () => {
    const root = tempProject(files(3000, 'many'));
    let looked = 0;
    const counting = (file: string) => {
      looked++;
      return createIgnore([root], [])(file);
    };
    expect(fitsOnMainThread([root], counting, 100)).toBe(false);
    expect(looked).toBeLessThanOrEqual(101);
  });

  it('answers "too big" for a symlink to a folder, whose contents it does not count', () => {
    const elsewhere = tempProject(files(2, 'x'));
    const root = tempProject({ 'index.html': '' });
    symlinkSync(elsewhere, path.join(root, 'linked'));
    expect(fits(root, 1000)).toBe(false);
  });

  it('treats a folder it cannot read as empty', () => {
    expect(fits(path.join(tempProject(), 'missing'), 0)).toBe(true);
  });
});
