// `npm test`: builds, makes sure a browser is there (browser tests never skip), runs every suite with
// vitest, and ends with one line "N passed, N failed" that CI reads.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOW_TO_GET_ONE, ensureChromium } from './find-chromium.js';

// A path, not URL.pathname: that keeps %20 for a space and breaks in a folder named with one.
const root = fileURLToPath(new URL('..', import.meta.url));

// `npm run lint` first: Biome (lint rules and the format check) and the type check of src, client and the
// tests, so a test that drifts from the code, or an unused name, fails here before any test runs.
execFileSync('npm', ['run', '--silent', 'lint'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { stdio: 'inherit' });

const chromium = ensureChromium();
if (!chromium) {
  console.error(HOW_TO_GET_ONE);
  process.exit(1);
}

const reportDir = mkdtempSync(path.join(os.tmpdir(), 'devpush-test-'));
const report = path.join(reportDir, 'report.json');
const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, DEVPUSH_CHROMIUM: chromium } },
);

let summary = null;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // vitest died before writing its report; its exit code below says so.
}
rmSync(reportDir, { recursive: true, force: true });
if (summary) {
  const failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
  console.log(`\n${summary.numPassedTests} passed, ${failed} failed`);
}
process.exit(result.status ?? 1);
