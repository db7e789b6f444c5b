import { execFileSync } from 'node:child_process';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentIndex, type LookOptions } from '../../src/watch/contents.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

const AFTER_EVENT: LookOptions = { force: false, allowEmpty: false, quick: false, stillMs: 3 };
/** Sets a file's mtime a second back, so it does not count as being written right now. */
const age = (file: string) => utimesSync(file, new Date(), new Date(Date.now() - 1000));

describe('ContentIndex on real files', () => {
  it('tells changed bytes from a save of the same bytes', async () => {
    const root = tempProject({ 'a.css': 'h1 {}' });
    const file = path.join(root, 'a.css');
    let now = 0;
    const index = new ContentIndex(() => now);
    age(file);
    expect(await index.look(file, AFTER_EVENT)).toBe('changed'); // first sight
    now += 5_000;
    writeFileSync(file, 'h1 {}');
    age(file);
    expect(await index.look(file, AFTER_EVENT)).toBe('same');
    writeFileSync(file, 'h1 { color: red }');
    age(file);
    expect(await index.look(file, AFTER_EVENT)).toBe('changed');
    expect(index.seen(file)).toBe(true);
  });

  it('reports a same-bytes rewrite within a second of a reported change, and not after', async () => {
    const root = tempProject({ 'a.css': 'h1 {}' });
    const file = path.join(root, 'a.css');
    let now = 0;
    const index = new ContentIndex(() => now);
    expect(await index.look(file, { ...AFTER_EVENT, force: true })).toBe('changed');
    now += 500;
    writeFileSync(file, 'h1 {}');
    utimesSync(file, new Date(), new Date(Date.now() - 900));
    expect(await index.look(file, AFTER_EVENT)).toBe('changed'); // a reader may have seen it truncated
    now += 2_000;
    writeFileSync(file, 'h1 {}');
    age(file);
    expect(await index.look(file, AFTER_EVENT)).toBe('same');
  });

  it('holds a file written just now, or emptied, unless told to take it as it is', async () => {
    const root = tempProject({ 'a.html': '<p>a</p>' });
    const file = path.join(root, 'a.html');
    const index = new ContentIndex();
    expect(await index.look(file, { ...AFTER_EVENT, stillMs: 60_000 })).toBe('writing');
    age(file);
    expect(await index.look(file, AFTER_EVENT)).toBe('changed');
    writeFileSync(file, '');
    age(file);
    expect(await index.look(file, AFTER_EVENT)).toBe('empty');
    expect(await index.look(file, { ...AFTER_EVENT, allowEmpty: true })).toBe('changed');
    // Known empty, still empty: nothing to wait for.
    expect(await index.look(file, AFTER_EVENT)).toBe('same');
  });

  it('answers a touch from the stat alone when it is unchanged', async () => {
    const root = tempProject({ 'a.js': 'x' });
    const file = path.join(root, 'a.js');
    const index = new ContentIndex();
    age(file);
    await index.look(file, AFTER_EVENT);
    expect(await index.look(file, { ...AFTER_EVENT, quick: true })).toBe('same');
  });

  it('never opens a FIFO (reading it would block) and says when a file is gone', async () => {
    const root = tempProject({});
    const fifo = path.join(root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const index = new ContentIndex();
    expect(await index.look(fifo, AFTER_EVENT)).toBe('not-a-file');
    expect(await index.look(path.join(root, 'nothing.html'), AFTER_EVENT)).toBe('missing');
  });

  it('seeds hashes in the background, hands over files written since start-up, and distrusts a seed taken under the same mtime', async () => {
    const root = tempProject({ 'old.html': 'old', 'raced.html': 'raced', 'new.html': 'new' });
    const [old, raced, fresh] = ['old.html', 'raced.html', 'new.html'].map((name) => path.join(root, name)) as [
      string,
      string,
      string,
    ];
    age(old);
    age(raced);
    const since = Date.now() - 500; // new.html was written after it
    const index = new ContentIndex();
    const changedSince: string[] = [];
    await index.seed([old, raced, fresh], since, (file) => changedSince.push(file));
    expect(changedSince).toEqual([fresh]);
    expect(index.complete).toBe(true);
    expect(index.has(old) && index.has(raced) && !index.has(fresh)).toBe(true);
    // A no-op save of old.html after the seed: a new mtime, the same bytes.
    writeFileSync(old, 'old');
    utimesSync(old, new Date(), new Date(Date.now() - 900));
    expect(await index.look(old, AFTER_EVENT)).toBe('same');
    // An event for raced.html whose bytes the seed may already have read (same mtime): changed, to be safe.
    expect(await index.look(raced, AFTER_EVENT)).toBe('changed');
  });
});
