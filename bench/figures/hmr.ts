import { BenchBrowser, type BenchPage, type PageState } from '../browser.js';
import { preciseNow, sleep } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { HmrFloorProcess } from '../floor.js';
import { type Figure, measured, notAvailable, type Target } from '../figure.js';
import {
  acceptingLeaf,
  generationLeaf,
  hmrProject,
  markerStylesheet,
  reactApp,
  reactProject,
  saveAllProject,
} from '../hmr-projects.js';
import { colorFor, leafModule, type Project, tsProject } from '../projects.js';
import type { Settings } from '../settings.js';
import { type BenchServer, ViteProcess, viteCli } from '../peers.js';
import { hmrMemory } from './hmr-memory.js';

const GROUP = 'HMR (Chromium)';
/** Modules one save-all (a formatter, a search and replace) writes in the save-all case. */
const SAVED_TOGETHER = 30;

/** One kind of save: what edit n writes, what the page shows once it has it, and how it must get there. */
interface Case {
  name: string;
  target?: Target;
  project: Project;
  /** 'update': in place (a reload fails the case); 'reload': one navigation per save. */
  expect: 'update' | 'reload';
  /** Brings the page to the state the edits must keep (clicks), returns the text suffix it shows. */
  prepare?(page: BenchPage): Promise<void>;
  edit(n: number): void;
  shows(n: number): { text?: string; color?: string };
  /** Whether peers are measured on it too (a React project needs a framework plugin under Vite). */
  peers: boolean;
  /** Whether the HMR floor (bench/hmr-floor-server.ts) is measured on it too. */
  floor?: boolean;
}

/** A server under measurement: devpush, or a peer measured in the same run (peers.ts). */
interface Contender {
  /** Appended to figure names; empty for devpush. */
  suffix: string;
  start(root: string): Promise<BenchServer>;
}

const DEVPUSH: Contender = { suffix: '', start: (root) => DevpushProcess.start(root) };
const FLOOR: Contender = {
  suffix: ': a bare HMR server, same browser (floor)',
  start: (root) => HmrFloorProcess.start(root),
};

/** Vite, when the person running the bench pointed at an install of it. */
function vitePeer(): Contender | string {
  const vite = viteCli();
  if ('missing' in vite) return vite.missing;
  return { suffix: `, Vite ${vite.version} (same run)`, start: (root) => ViteProcess.start(root, vite) };
}

function cases(): Case[] {
  const small = hmrProject(10);
  const large = hmrProject(1000);
  const plain = tsProject(1000);
  const react = reactProject();
  const together = saveAllProject(1000, SAVED_TOGETHER);
  return [
    {
      name: 'leaf HMR (self-accepting), 10 modules',
      project: small,
      expect: 'update',
      peers: false,
      edit: (n) => small.write(small.leaf, acceptingLeaf(`v${n}`)),
      shows: (n) => ({ text: `v${n}` }),
    },
    {
      name: 'leaf HMR (self-accepting), 1,000 modules',
      target: { stat: 'p50', max: 8 },
      project: large,
      peers: true,
      floor: true,
      expect: 'update',
      edit: (n) => large.write(large.leaf, acceptingLeaf(`v${n}`)),
      shows: (n) => ({ text: `v${n}` }),
    },
    {
      name: 'CSS imported from a module, 1,000 modules',
      target: { stat: 'p50', max: 10 },
      project: large,
      peers: true,
      expect: 'update',
      edit: (n) => large.write(large.stylesheet, markerStylesheet(n)),
      shows: (n) => ({ color: colorFor(n) }),
    },
    {
      name: `${SAVED_TOGETHER} self-accepting modules saved together, 1,000 modules`,
      project: together,
      peers: true,
      expect: 'update',
      edit: (n) => {
        for (const [i, file] of together.saved.entries()) together.write(file, generationLeaf(i, n));
      },
      shows: (n) => ({ text: `v${n}` }),
    },
    {
      name: 'React component edit, state kept',
      target: { stat: 'p50', max: 15 },
      project: react,
      expect: 'update',
      peers: false,
      async prepare(page) {
        const counted = page.waitFor((s) => s.text === 'v0:3', 'three clicks to count');
        for (let i = 0; i < 3; i++) await page.page.click('#more');
        await counted;
      },
      edit: (n) => react.write(react.component, reactApp(`v${n}`)),
      // The count the clicks left must survive every edit: state kept.
      shows: (n) => ({ text: `v${n}:3` }),
    },
    {
      name: 'full reload, 1,000 modules, leaf edit without a boundary',
      target: { stat: 'p50', max: 180 },
      project: plain,
      peers: true,
      expect: 'reload',
      edit: (n) => plain.write(plain.leaf, leafModule(0, `v${n}`)),
      shows: (n) => ({ text: `v${n}` }),
    },
  ];
}

/** Save → the page shows it, for each kind of save; then cold start and memory. */
export async function hmr(settings: Settings): Promise<Figure[]> {
  const browser = await BenchBrowser.launch();
  const figures: Figure[] = [];
  const peer = vitePeer();
  if (typeof peer === 'string') console.log(`\n  HMR peers: ${peer}`);
  const peers = typeof peer === 'string' ? [] : [peer];
  try {
    for (const c of cases()) {
      const measuredOn = [DEVPUSH, ...(c.peers ? peers : []), ...(c.floor ? [FLOOR] : [])];
      for (const who of measuredOn) {
        figures.push(
          await runCase(browser, c, who, settings).catch((error: Error) =>
            notAvailable(
              GROUP,
              c.name + who.suffix,
              'ms',
              `failed: ${error.message.split('\n')[0]}`,
              c.target && who === DEVPUSH ? { target: c.target } : {},
            ),
          ),
        );
      }
    }
    figures.push(await reloadFloor(browser, settings));
    for (const who of [DEVPUSH, ...peers, FLOOR]) figures.push(await coldStart(browser, who, settings));
    figures.push(...(await hmrMemory(browser, settings)));
    for (const figure of figures) if (figure.na) console.log(`\n  ${figure.name}: ${figure.na}`);
  } finally {
    await browser.close();
  }
  return figures;
}

function matcher(want: { text?: string; color?: string }) {
  return (s: PageState) =>
    (want.text === undefined || s.text === want.text) && (want.color === undefined || s.color === want.color);
}

async function runCase(browser: BenchBrowser, c: Case, who: Contender, settings: Settings): Promise<Figure> {
  const name = c.name + who.suffix;
  const target = who === DEVPUSH ? c.target : undefined;
  const server = await who.start(c.project.root);
  let page: BenchPage | null = null;
  try {
    await server.watcherReady(c.project);
    page = await browser.open(server.url, 120_000);
    await page.waitUntilReady((s) => s.text !== null && s.text !== 'loading' && s.text !== '', 60_000);
    await c.prepare?.(page);
    const samples: number[] = [];
    let navigations = 0;
    let navigationStart = (await page.waitFor(() => true, 'a report', 15_000, true)).state.navigationStart;
    for (let n = 1; n <= settings.warmup + settings.edits; n++) {
      const shown = page.waitFor(matcher(c.shows(n)), `${c.name}: edit ${n} to show`);
      const writeAt = preciseNow();
      c.edit(n);
      const report = await shown;
      if (report.state.navigationStart !== navigationStart) navigations++;
      navigationStart = report.state.navigationStart;
      if (n > settings.warmup) samples.push(report.state.at - writeAt);
      await page.waitUntilReady(matcher(c.shows(n)));
      await sleep(settings.pauseMs);
    }
    const edits = settings.warmup + settings.edits;
    if (c.expect === 'update' && navigations > 0)
      return notAvailable(
        GROUP,
        name,
        'ms',
        `the page reloaded ${navigations} times in ${edits} saves instead of updating in place`,
      );
    if (c.expect === 'reload' && navigations !== edits)
      return notAvailable(GROUP, name, 'ms', `expected one reload per save, saw ${navigations} in ${edits}`);
    return measured(GROUP, name, 'ms', samples, {
      ...(target && { target }),
      detail: { browser: browser.version, navigations },
    });
  } finally {
    await page?.close();
    await server.stop();
  }
}

/**
 * The floor of a full reload of the 1,000-module page: the page reloaded with nothing changed, so every
 * module comes from the browser's cache (devpush serves them as immutable) and only the document is asked
 * for. What is left is Chromium running a thousand module scripts again, which no server can save it.
 */
async function reloadFloor(browser: BenchBrowser, settings: Settings): Promise<Figure> {
  const name = 'full reload, 1,000 modules, nothing changed: the browser alone (floor)';
  const project = tsProject(1000);
  const server = await DevpushProcess.start(project.root);
  let page: BenchPage | null = null;
  try {
    page = await browser.open(server.url, 120_000);
    let shown = await page.waitUntilReady((s) => s.text === 'v0', 60_000);
    const samples: number[] = [];
    for (let n = 1; n <= settings.warmup + settings.edits; n++) {
      const before = shown.state.navigationStart;
      const reloaded = page.waitFor((s) => s.navigationStart !== before && s.text === 'v0', `reload ${n} to show`);
      const reloadAt = preciseNow();
      // Reloaded from a timer: an evaluate that navigates while it runs may fail with the old page's context.
      await page.page.evaluate(() => void setTimeout(() => location.reload(), 0));
      shown = await reloaded;
      if (n > settings.warmup) samples.push(shown.state.at - reloadAt);
      await page.waitUntilReady((s) => s.text === 'v0');
      await sleep(settings.pauseMs);
    }
    return measured(GROUP, name, 'ms', samples, { detail: { browser: browser.version } });
  } catch (error) {
    return notAvailable(GROUP, name, 'ms', `failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await page?.close();
    await server.stop();
  }
}

/** Process start → the 1,000-module page shows its state, each time a new server and a cold browser cache. */
async function coldStart(browser: BenchBrowser, who: Contender, settings: Settings): Promise<Figure> {
  const name = `cold start → 1,000-module page shows its state${who.suffix}`;
  const target: Target | undefined = who === DEVPUSH ? { stat: 'p50', max: 600 } : undefined;
  const project = hmrProject(1000);
  const samples: number[] = [];
  try {
    for (let i = 0; i <= settings.coldStarts; i++) {
      const server = await who.start(project.root);
      const page = await browser.open(server.url, 120_000).catch(async (error: Error) => {
        await server.stop();
        throw error;
      });
      try {
        const report = await page.waitFor((s) => s.text === 'v0', 'the page to show v0', 30_000, true);
        if (i > 0) samples.push(report.state.at - server.spawnedAt); // the first warms the OS file cache
      } finally {
        await page.close();
        await server.stop();
      }
    }
    return measured(GROUP, name, 'ms', samples, target ? { target } : {});
  } catch (error) {
    const why = `failed: ${(error as Error).message.split('\n')[0]}`;
    return notAvailable(GROUP, name, 'ms', why, target ? { target } : {});
  }
}
