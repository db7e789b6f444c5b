// Measures what decides whether the bundled path stays: a 1,000-module TypeScript page served module by
// module (HMR) and bundled (build.bundle), in Chromium: first load after a cold start, a warm reload, and
// a leaf edit until visible. Run after `npm run build`: node scripts/modules-vs-bundle.js [reps]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const REPS = Number(process.argv[2] ?? 5);
const LEAVES = 989;
const GROUPS = 10;

function project(bundle) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'devpush-mvb-'));
  const write = (file, text) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write('index.html', '<!doctype html><p id="marker">loading</p><script type="module" src="/src/main.ts"></script>');
  if (bundle) write('devpush.config.json', '{ "build": { "bundle": true } }');
  const leaf = (i, value) =>
    `export const items${i} = Array.from({ length: 4 }, (_, k) => ({ id: k, weight: k * ${i + 1} }));\n` +
    `export function total${i}(): number { return items${i}.reduce((s, x) => s + x.weight, 0); }\n` +
    `export const value${i}: string = ${JSON.stringify(value)};\n` +
    (i === 0
      ? "if (import.meta.hot) { import.meta.hot.accept(); document.getElementById('marker')!.textContent = value0; }\n"
      : '');
  for (let i = 0; i < LEAVES; i++) write(`src/leaves/l${i}.ts`, leaf(i, 'v0'));
  const per = Math.ceil(LEAVES / GROUPS);
  let main = '';
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: per }, (_, k) => g * per + k).filter((i) => i < LEAVES);
    write(
      `src/groups/g${g}.ts`,
      members.map((i) => `import { total${i}, value${i} } from '../leaves/l${i}';\n`).join('') +
        `export const total = ${members.map((i) => `total${i}()`).join(' + ')};\nexport const first = value${members[0]};\n`,
    );
    main += `import { total as t${g}, first as f${g} } from './groups/g${g}';\n`;
  }
  main += `document.getElementById('marker')!.dataset.total = String(${Array.from({ length: GROUPS }, (_, g) => `t${g}`).join(' + ')});\n`;
  main += "document.getElementById('marker')!.textContent = f0;\n";
  write('src/main.ts', main);
  return { root, write, leaf };
}

async function startServer(root, port) {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/devpush.js', 'serve', root, '--port', String(port), '--strict-port'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.on('data', (d) => String(d).includes('Local') && resolve()));
  return { child, started };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.DEVPUSH_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
});
const results = {};
for (const mode of ['modules', 'bundle']) {
  const figures = { cold: [], reload: [], leafEdit: [] };
  for (let rep = 0; rep < REPS; rep++) {
    const { root, write, leaf } = project(mode === 'bundle');
    const port = 4890 + rep;
    const { child, started } = await startServer(root, port);
    process.on('exit', () => child.kill());
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://localhost:${port}/`, { timeout: 300_000 });
    await page.waitForFunction(() => document.getElementById('marker')?.textContent === 'v0', null, {
      timeout: 300_000,
    });
    figures.cold.push(performance.now() - started);
    await page.waitForFunction(() => window.__devpush?.state === 'up', null, { timeout: 300_000 });
    let t = performance.now();
    await page.reload({ timeout: 300_000 });
    await page.waitForFunction(() => document.getElementById('marker')?.textContent === 'v0');
    figures.reload.push(performance.now() - t);
    await page.waitForFunction(() => window.__devpush?.state === 'up', null, { timeout: 300_000 });
    t = performance.now();
    write('src/leaves/l0.ts', leaf(0, 'v1'));
    await page.waitForFunction(() => document.getElementById('marker')?.textContent === 'v1', null, {
      timeout: 300_000,
    });
    figures.leafEdit.push(performance.now() - t);
    await context.close();
    child.kill();
    rmSync(root, { recursive: true, force: true });
  }
  results[mode] = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(median(v))]));
}
await browser.close();
console.log(
  JSON.stringify({ reps: REPS, modules: LEAVES + GROUPS + 1, load: os.loadavg()[0], p50ms: results }, null, 1),
);
