// The settle rules on real files: what a late `add` of a file the pages already have is, and what a file
// deleted and written again with its old bytes is.
import { unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileEvent, PendingChange } from '../../src/watch/coalesce.js';
import { ContentIndex } from '../../src/watch/contents.js';
import { createSettle, DEFAULT_SETTLE } from '../../src/watch/settle.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

/** Sets a file's mtime a second back, so it does not count as being written right now. */
const age = (file: string) => utimesSync(file, new Date(), new Date(Date.now() - 1000));

function verdictOf(settle: ReturnType<typeof createSettle>, file: string, event: FileEvent) {
  const at = Date.now() - 1000; // events long enough ago that no grace applies
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
});
