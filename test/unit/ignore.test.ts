import { describe, expect, it } from 'vitest';
import { createIgnore } from '../../src/watch/ignore.js';

describe('createIgnore', () => {
  const ignored = createIgnore(['/site', '/home/me/node_modules/shared-lib'], ['drafts/**', '*.log', /\.bak$/g]);

  it('ignores .git, node_modules and caches anywhere below a watched folder', () => {
    expect(ignored('/site/.git/HEAD')).toBe(true);
    expect(ignored('/site/node_modules/x/index.js')).toBe(true);
    expect(ignored('/site/app/.cache/x')).toBe(true);
    expect(ignored('/site/app/main.js')).toBe(false);
  });

  it('ignores the temp, swap and backup files of editors', () => {
    for (const name of [
      '.index.html.swp',
      '.index.html.swx',
      'index.html~',
      '4913',
      '#index.html#',
      '.#index.html',
      'index.html___jb_tmp___',
      'index.html___jb_old___',
      '.index.html.kate-swp',
      '.goutputstream-AB12CD',
      '.~lock.index.html#',
      'index.html.crswap',
    ]) {
      expect(ignored(`/site/${name}`), name).toBe(true);
    }
    expect(ignored('/site/index.html')).toBe(false);
  });

  it('judges a watch.paths folder relative to itself, even when it sits under node_modules', () => {
    expect(ignored('/home/me/node_modules/shared-lib/theme.css')).toBe(false);
    expect(ignored('/home/me/node_modules/shared-lib/node_modules/dep/x.js')).toBe(true);
    expect(ignored('/home/me/node_modules/shared-lib/drafts/a.css')).toBe(true);
  });

  it('matches globs against the relative path or the name, and RegExps (even global ones) every time', () => {
    expect(ignored('/site/drafts/post.html')).toBe(true);
    expect(ignored('/site/logs/server.log')).toBe(true);
    expect(ignored('/site/a.bak')).toBe(true);
    expect(ignored('/site/b.bak')).toBe(true);
    expect(ignored('/site/published/post.html')).toBe(false);
  });

  it('never ignores a watched folder itself or its parents', () => {
    expect(ignored('/site')).toBe(false);
    expect(ignored('/home/me/node_modules/shared-lib')).toBe(false);
    expect(ignored('/home/me')).toBe(false);
  });

  it('calls function matchers with the absolute path', () => {
    const seen: string[] = [];
    const withFunction = createIgnore(
      ['/site'],
      [
        (file) => {
          seen.push(file);
          return file.endsWith('.secret');
        },
      ],
    );
    expect(withFunction('/site/a.secret')).toBe(true);
    expect(withFunction('/site/a.html')).toBe(false);
    expect(seen).toEqual(['/site/a.secret', '/site/a.html']);
  });
});
