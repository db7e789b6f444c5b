// Measures the watcher on real temp folders and prints one JSON line per scenario:
//   node scripts/watch-timings.js [save|checkout|start|all]   (after `npm run build`)
// save:     a lone save of one file: write → change set, and what the watcher itself adds (last event → flush).
// checkout: `git checkout` between two branches differing in 500 files: how many change sets, and the
//           time from git's exit (its last write) to the change set.
// start:    a served folder of 20,000 files: time to the first page, and to the end of the first scan.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from '../dist/src/index.js';
import { startWatcher } from '../dist/src/watch/watcher.js';

const which = process.argv[2] ?? 'all';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => +sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  return { n: sorted.length, min: at(0), median: at(0.5), p90: at(0.9), max: at(1) };
};

function watchFolder(root) {
  const sets = [];
  const watcher = startWatcher({
    root,
    paths: [],
    ignore: [],
    usePolling: false,
    interval: 100,
    onChange: (changes) => sets.push({ at: now(), size: changes.size, timing: changes.timing }),
    onProblem: (message) => console.error(message),
    onNotice: () => {},
  });
  return { watcher, sets };
}

async function save() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'devpush-timing-'));
  writeFileSync(path.join(root, 'page.html'), '<p>0</p>');
  const { watcher, sets } = watchFolder(root);
  await watcher.ready;
  await sleep(500);
  const total = [];
  const added = [];
  for (let i = 1; i <= 30; i++) {
    const before = sets.length;
    const wrote = now();
    writeFileSync(path.join(root, 'page.html'), `<p>${i}</p>`);
    while (sets.length === before) await sleep(1);
    const set = sets[sets.length - 1];
    total.push(set.timing.flushedAt - wrote);
    added.push(set.timing.flushedAt - set.timing.lastEventAt);
    await sleep(150);
  }
  await watcher.close();
  rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify({ scenario: 'save', writeToChangeSetMs: stats(total), lastEventToFlushMs: stats(added) }));
}

async function checkout() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'devpush-timing-'));
  const git = (...args) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
  git('init', '-q', '-b', 'one');
  git('config', 'user.email', 'bench@devpush.invalid');
  git('config', 'user.name', 'bench');
  const write = (tag) => {
    for (let i = 0; i < 500; i++) {
      mkdirSync(path.join(root, `d${i % 20}`), { recursive: true });
      writeFileSync(path.join(root, `d${i % 20}`, `f${i}.html`), `<p>${tag} ${i}</p>`);
    }
  };
  write('one');
  git('add', '.');
  git('commit', '-qm', 'one');
  git('checkout', '-qb', 'two');
  write('two');
  git('commit', '-qam', 'two');
  const { watcher, sets } = watchFolder(root);
  await watcher.ready;
  await sleep(1500); // let the background hashing finish
  const counts = [];
  const afterExit = [];
  const checking = [];
  const lastEventToFlush = [];
  for (let round = 0; round < 10; round++) {
    const before = sets.length;
    await new Promise((resolve, reject) =>
      execFile('git', ['checkout', '-q', round % 2 ? 'two' : 'one'], { cwd: root }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    const exited = now();
    await sleep(2500);
    const mine = sets.slice(before);
    counts.push(mine.map((set) => set.size).join('+'));
    if (mine.length) {
      const last = mine[mine.length - 1].timing;
      afterExit.push(last.flushedAt - exited);
      checking.push(last.settleMs);
      lastEventToFlush.push(last.flushedAt - last.lastEventAt);
    }
  }
  await watcher.close();
  rmSync(root, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      scenario: 'checkout',
      files: 500,
      filesPerChangeSet: counts,
      gitExitToChangeSetMs: stats(afterExit),
      lastEventToFlushMs: stats(lastEventToFlush),
      checkingMs: stats(checking),
      loadPerCore: +(os.loadavg()[0] / os.availableParallelism()).toFixed(1),
    }),
  );
}

async function start() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'devpush-timing-'));
  for (let i = 0; i < 20_000; i++) {
    const dir = path.join(root, `a${i % 40}`, `b${i % 500}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.html`), `<p>${i}</p>`);
  }
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><p>home</p>');
  const started = performance.now();
  const server = await createServer({ root, server: { port: 0 }, logLevel: 'warn' });
  const listening = performance.now() - started;
  const asked = performance.now();
  await (await fetch(server.url.replace('localhost', '127.0.0.1'))).text();
  const firstPage = performance.now() - asked;
  await server.watching;
  const ready = performance.now() - started;
  await server.close();
  rmSync(root, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      scenario: 'start',
      files: 20_000,
      listenMs: Math.round(listening),
      firstPageMs: Math.round(firstPage),
      watchReadyMs: Math.round(ready),
    }),
  );
}

for (const [name, run] of Object.entries({ save, checkout, start })) {
  if (which === 'all' || which === name) await run();
}
