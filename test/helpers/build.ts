import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, copyFixture } from './fixture.js';
import { routePath } from '../../src/protocol.js';

/**
 * A private copy of a build fixture whose node_modules points at the repository's, so that packages
 * (preact, a pinned devDependency) resolve from the temp folder as they would in a real project.
 */
export function copyBuildFixture(name: string): string {
  const dir = copyFixture(name);
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Writes a file of a project (relative path), as an editor's save would. */
export function saveFile(root: string, file: string, contents: string): void {
  writeFileSync(path.join(root, file), contents);
}

export interface BuildStatus {
  entries: number;
  builds: number;
  rebuilds: number;
  lastRebuild: { entries: string[]; ms: number } | null;
  perEntry: Record<string, { builds: number; lastMs: number; failed: boolean }>;
}

/** The builder's counters from /__devpush/status. */
export async function buildStatus(base: string): Promise<BuildStatus> {
  const status = (await (await fetch(new URL(routePath('status'), base))).json()) as { build: BuildStatus };
  return status.build;
}
