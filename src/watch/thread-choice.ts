import { type Dir, opendirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Folders with up to this many watched entries (ignored ones not counted) are watched on the server's
 * own thread: chokidar's first scan of them takes a few milliseconds, in short asynchronous steps, and a
 * worker thread would cost ~10 MiB of idle memory. Bigger folders keep the thread: the first scan of
 * 20,000 files on the main thread made the first page seconds late.
 */
export const MAIN_THREAD_LIMIT = 1000;

/**
 * Whether the watched folders hold at most `limit` entries the watcher would see. Reads at most about
 * `limit` directory entries however big the folders are (entries are read a few at a time), so the
 * answer stays cheap for a huge folder. A symlink to a folder answers "too big": chokidar follows it, and
 * what lies behind it is not counted. A folder that cannot be read counts as empty (the watcher reports it).
 */
export function fitsOnMainThread(bases: readonly string[], ignored: (file: string) => boolean, limit: number): boolean {
  const folders = [...bases];
  let counted = 0;
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    const dir = openFolder(folder);
    if (!dir) continue;
    try {
      for (let entry = dir.readSync(); entry; entry = dir.readSync()) {
        const file = path.join(folder, entry.name);
        if (ignored(file)) continue;
        if (++counted > limit) return false;
        if (entry.isDirectory()) folders.push(file);
        else if (entry.isSymbolicLink() && leadsToFolder(file)) return false;
      }
    } catch {
      // The folder went away or became unreadable mid-way: what was counted stands.
    } finally {
      dir.closeSync();
    }
  }
  return true;
}

function leadsToFolder(link: string): boolean {
  try {
    return statSync(link).isDirectory();
  } catch {
    return false;
  }
}

function openFolder(folder: string): Dir | null {
  try {
    return opendirSync(folder);
  } catch {
    return null;
  }
}
