// The settle rules on real files: what a late `add` of a file the pages already have is, what a file
// deleted and written again with its old bytes is, and how long a file stays known as a slow writer.
import { unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileEvent, PendingChange } from '../../src/watch/coalesce.js';
import { ContentIndex } from '../../src/watch/contents.js';
import { createSettle, DEFAULT_SETTLE } from '../../src/watch/settle.js';
import { WriterHabits } from '../../src/watch/writers.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

/** Sets a file's mtime a second back, so it does not count as being written right now. */
const age = (file: string) => utimesSync(file, new Date(), new Date(Date.now() - 1000));

function verdictOf(settle: ReturnType<typeof createSettle>, file: string, event: FileEvent, agoMs = 1000) {
  const at = Date.now() - agoMs; // by default, events long enough ago that no grace applies
  const change: PendingChange = { event, firstAt: at, lastAt: at };
  return settle(new Map([[file, change]]), false).then((verdicts) => verdicts.get(file));
}

describe('settle', () => {
  it('drops a late add of a file whose bytes were already reported, and reports one deleted and written again', async () => {
    const root = tempProject({ 'lib/x.js': 'two' });
    const file = path.join(root, 'lib/x.js');
    age(file);
    const settle = createSettle(new ContentIndex(), DEFAULT_SETTLE, (error) => {
      throw error;
    });
    // Reported once (a folder replaced by a symlink: its file changed bytes under the same path)...
    expect(await verdictOf(settle, file, 'unlink')).toEqual({ kind: 'report', event: 'change' });
    // ...then chokidar adds the file it finds through the symlink, same bytes: not news.
    expect(await verdictOf(settle, file, 'add')).toEqual({ kind: 'skip' });
    // Deleted (and reported), then written again with the same bytes: news to the pages.
    unlinkSync(file);
    expect(await verdictOf(settle, file, 'unlink')).toEqual({ kind: 'report', event: 'unlink' });
    writeFileSync(file, 'two');
    age(file);
    expect(await verdictOf(settle, file, 'add')).toEqual({ kind: 'report', event: 'add' });
  });

  it("forgets a slow writer once its saves are ordinary, though each of them waited out the writer's quiet time", async () => {
    const root = tempProject({ 'gen.js': '' });
    const file = path.join(root, 'gen.js');
    const options = { ...DEFAULT_SETTLE, writerStillMs: 100, writerMemoryMs: 400 };
    const writers = new WriterHabits(options);
    const settle = createSettle(
      new ContentIndex(),
      options,
      (error) => {
        throw error;
      },
      writers,
    );
    // Seen empty a moment after its event: a sign of slow writing.
    expect(await verdictOf(settle, file, 'change', 0)).toEqual({ kind: 'wait' });
    expect(writers.isWriter(file)).toBe(true);
    const signedBy = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Then ordinary saves, one write each, every 100 ms: each waits out the writer's quiet time (its mtime
    // is recent), which is no new sign. Past the memory of the one sign, the file is an ordinary file again.
    let saves = 0;
    while (Date.now() - signedBy < options.writerMemoryMs + 50 || saves < 3) {
      writeFileSync(file, `export const v = ${++saves};`);
      expect(await verdictOf(settle, file, 'change', 20)).toEqual({ kind: 'wait' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(writers.isWriter(file)).toBe(false);
    expect(writers.stillMs(file, options.stillMs)).toBe(options.stillMs);
  });
});
