import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { IgnoreMatcher } from '../../src/config/types.js';
import type { ChangeSet } from '../../src/watch/coalesce.js';
import { startWatcher, type Watcher } from '../../src/watch/watcher.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

// The watcher's thread is chosen by the folder's size: these tests drive `startWatcher` itself on real
// folders and check that saves are reported from either thread.

const running: Watcher[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((watcher) => watcher.close()));
});
afterAll(removeTempProjects);

function project(files: Record<string, string>): string {
  const root = tempProject(files);
  // Older than the watcher, so the first scan does not count them as written during start-up.
  const past = new Date(Date.now() - 60_000);
  for (const name of Object.keys(files)) utimesSync(path.join(root, name), past, past);
  return root;
}

function watch(root: string, options: { mainThreadLimit?: number; ignore?: IgnoreMatcher[] } = {}) {
  const sets: ChangeSet[] = [];
  const watcher = startWatcher({
    root,
    paths: [],
    ignore: options.ignore ?? [],
    usePolling: false,
    interval: 100,
    mainThreadLimit: options.mainThreadLimit,
    onChange: (changes) => sets.push(changes),
    onProblem: (message) => {
      throw new Error(`unexpected watcher problem: ${message}`);
    },
    onNotice: () => undefined,
  });
  running.push(watcher);
  const changed = () => sets.flatMap((set) => [...set.keys()].map((file) => path.relative(root, file)));
  return { watcher, changed };
}

/** Saves `file` until the watcher reports it (the first scan may still be running at the first save). */
async function saveUntilSeen(root: string, file: string, changed: () => string[]): Promise<void> {
  let n = 0;
  await vi.waitFor(
    () => {
      writeFileSync(path.join(root, file), `save ${n++}`);
      expect(changed()).toContain(file);
    },
    { timeout: 10_000, interval: 200 },
  );
}

describe("the watcher's thread", () => {
  it('watches a small folder on the main thread and reports its saves', async () => {
    const root = project({ 'index.html': '<p>one</p>', 'style.css': 'p {}' });
    const { watcher, changed } = watch(root);
    await watcher.ready;
    expect(watcher.stats().thread).toBe('main');
    await saveUntilSeen(root, 'style.css', changed);
  });

  it('watches a folder over the limit in a worker thread, with globs and RegExps applied there', async () => {
    const root = project({ 'index.html': '<p>one</p>', 'drafts/a.html': 'a', 'notes.log': 'n', 'b.txt': 'b' });
    const { watcher, changed } = watch(root, { mainThreadLimit: 1, ignore: ['drafts/**', /\.log$/] });
    await watcher.ready;
    expect(watcher.stats().thread).toBe('worker');
    writeFileSync(path.join(root, 'drafts/a.html'), 'a2');
    writeFileSync(path.join(root, 'notes.log'), 'n2');
    await saveUntilSeen(root, 'index.html', changed);
    expect(changed()).not.toContain(path.join('drafts', 'a.html'));
    expect(changed()).not.toContain('notes.log');
  });

  it('keeps a folder whose ignored parts are big on the main thread', async () => {
    const files: Record<string, string> = { 'index.html': '<p>one</p>' };
    for (let i = 0; i < 40; i++) files[`node_modules/pkg/f${i}.js`] = '';
    const root = project(files);
    const { watcher, changed } = watch(root, { mainThreadLimit: 5 });
    await watcher.ready;
    expect(watcher.stats().thread).toBe('main');
    await saveUntilSeen(root, 'index.html', changed);
  });
});
