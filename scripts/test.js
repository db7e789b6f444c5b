// `npm test`: builds, makes sure a browser is there (browser tests never skip), runs every suite with
// vitest, and ends with one line "N passed, N failed" that CI reads.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { HOW_TO_GET_ONE, ensureChromium } from './find-chromium.js';

const require = createRequire(import.meta.url);
// A path, not URL.pathname: that keeps %20 for a space and breaks in a folder named with one.
const root = fileURLToPath(new URL('..', import.meta.url));

execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { stdio: 'inherit' });
// The tests themselves are type-checked too, so a test that drifts from the code fails here.
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.test.json'], {
  cwd: root,
  stdio: 'inherit',
});

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
