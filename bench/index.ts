// `npm run bench [-- --quick] [-- --only=group,group] [-- --profile]`: measures what users feel and
// prints one table; the full run is written as JSON under bench/results/. scripts/bench.js builds
// devpush and this harness, then runs this file.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { preciseNow } from './clock.js';
import { REPO_ROOT } from './devpush.js';
import { notAvailable, type Figure } from './figure.js';
import { burst } from './figures/burst.js';
import { chaos } from './figures/chaos.js';
import { coldStart } from './figures/cold-start.js';
import { fallback } from './figures/fallback.js';
import { leaks } from './figures/leaks.js';
import { fanout } from './figures/fanout.js';
import { hmr } from './figures/hmr.js';
import { saveToMessage } from './figures/save-to-message.js';
import { saveToVisible } from './figures/save-to-visible.js';
import { removeProjects } from './projects.js';
import { table, writeResults } from './report.js';
import { settingsFor, type Settings } from './settings.js';
import { browserUnavailable } from './browser.js';

interface Group {
  /** Name for `--only`. */
  key: string;
  title: string;
  needsBrowser: boolean;
  run(settings: Settings): Promise<Figure[]>;
}

// In the order of the issue. Each group starts and stops its own devpush processes.
const GROUPS: Group[] = [
  { key: 'visible', title: 'save-to-visible (Chromium)', needsBrowser: true, run: saveToVisible },
  { key: 'message', title: 'save-to-message (no browser)', needsBrowser: false, run: saveToMessage },
  { key: 'burst', title: 'burst (a checkout)', needsBrowser: true, run: burst },
  { key: 'fanout', title: 'channel fan-out', needsBrowser: false, run: fanout },
  { key: 'fallback', title: 'fallback discovery (Chromium)', needsBrowser: true, run: fallback },
  { key: 'chaos', title: 'exactly once under cuts', needsBrowser: false, run: chaos },
  { key: 'cold', title: 'cold start', needsBrowser: false, run: coldStart },
  { key: 'leaks', title: 'leaks', needsBrowser: false, run: leaks },
  { key: 'hmr', title: 'HMR (Chromium)', needsBrowser: true, run: hmr },
];

function selected(argv: readonly string[]): Group[] {
  const only = argv
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  if (!only) return GROUPS;
  const unknown = only.filter((key) => !GROUPS.some((g) => g.key === key));
  if (unknown.length) {
    throw new Error(
      `bench: unknown group "${unknown[0]}" in --only; the groups are ${GROUPS.map((g) => g.key).join(', ')}.`,
    );
  }
  return GROUPS.filter((g) => only.includes(g.key));
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const settings = settingsFor(argv);
  const groups = selected(argv);
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg();
  const figures: Figure[] = [];
  const runStart = preciseNow();
  for (const group of groups) {
    const t0 = preciseNow();
    process.stdout.write(`bench: ${group.title}…`);
    const skip = group.needsBrowser ? browserUnavailable() : null;
    if (skip) {
      figures.push(notAvailable(group.title, 'all figures', 'ms', skip));
    } else {
      try {
        figures.push(...(await group.run(settings)));
      } catch (error) {
        // One broken group must not hide the others' figures.
        figures.push(
          notAvailable(group.title, 'all figures', 'ms', `failed: ${(error as Error).message.split('\n')[0]}`),
        );
      }
    }
    process.stdout.write(` ${((preciseNow() - t0) / 1000).toFixed(1)} s\n`);
  }
  removeProjects();
  const machine = {
    platform: `${os.platform()} ${os.release()}`,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    chromium: process.env.DEVPUSH_CHROMIUM ?? null,
    loadavgBefore: loadBefore,
    loadavgAfter: os.loadavg(),
  };
  console.log(`\n${table(figures)}\n`);
  const file = writeResults(
    path.join(REPO_ROOT, 'bench/results'),
    {
      startedAt,
      seconds: Math.round((preciseNow() - runStart) / 1000),
      quick: settings.quick,
      commit: gitCommit(),
      machine,
      settings,
    },
    figures,
  );
  console.log(
    `${machine.cpus}, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; ${settings.quick ? 'quick run' : 'full run'}.`,
  );
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
