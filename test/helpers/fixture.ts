import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');
export const CLI = path.join(REPO_ROOT, 'bin/devpush.js');

const made: string[] = [];

/** A private copy of test/fixtures/<name> in a temp folder, so tests can edit it freely. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `devpush-${name}-`));
  cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  made.push(dir);
  return dir;
}

/** An empty temp folder with the given files (path → contents). */
export function tempProject(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'devpush-project-'));
  for (const [name, contents] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), contents);
  }
  made.push(dir);
  return dir;
}

export function removeTempProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
