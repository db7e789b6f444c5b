import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside } from '../../src/fs/inside.js';

describe('isInside', () => {
  const root = path.resolve('/srv/site');
  it.each([
    ['the folder itself', root, true],
    ['a file in it', path.join(root, 'a.txt'), true],
    ['a name starting with two dots', path.join(root, '..cache', 'x'), true],
    ['its parent', path.dirname(root), false],
    ['a sibling sharing its prefix', `${root}-old/a.txt`, false],
    ['a path through ..', path.join(root, '..', 'other', 'a.txt'), false],
  ])('%s: %s', (_, file, inside) => {
    expect(isInside(root, file)).toBe(inside);
  });

  it('judges slash-separated paths with path.posix', () => {
    expect(isInside('/mnt/c', '/mnt/c/Users/me', path.posix)).toBe(true);
    expect(isInside('/mnt/c', '/mnt/cdrom', path.posix)).toBe(false);
    expect(isInside('/', '/anything', path.posix)).toBe(true);
  });
});
