import { BenchBrowser, type BenchPage } from '../browser.js';
import { preciseNow, sleep } from '../clock.js';
import { DevpushProcess } from '../devpush.js';
import { measured, notAvailable, type Figure, type Target } from '../figure.js';
import { colorFor, leafModule, staticPage, staticProject, stylesheet, tsProject, type Project } from '../projects.js';
import type { Settings } from '../settings.js';
import { medians } from '../stats.js';

const GROUP = 'save-to-visible (Chromium)';

/** One kind of edit: what to write for edit n, and how the page looks once it shows edit n. */
interface Case {
  name: string;
  target?: Target;
  project: Project;
  edit(n: number): void;
  shows(n: number): { text?: string; color?: string };
}

function cases(): Case[] {
  const site = staticProject();
  const small = tsProject(10);
  const large = tsProject(1000);
  const leafEdit = (p: typeof small) => (n: number) => p.write(p.leaf, leafModule(0, `v${n}`));
  return [
    {
      name: 'CSS swap',
      target: { stat: 'p50', max: 8 },
      project: site,
      edit: (n) => site.write('style.css', stylesheet(n)),
      shows: (n) => ({ color: colorFor(n) }),
    },
    {
      name: 'HTML reload',
      target: { stat: 'p50', max: 50 },
      project: site,
      edit: (n) => site.write('index.html', staticPage(`v${n}`)),
      shows: (n) => ({ text: `v${n}` }),
    },
    {
      name: 'TS entry, 10 modules, leaf edit',
      project: small,
      edit: leafEdit(small),
      shows: (n) => ({ text: `v${n}` }),
    },
    {
      name: 'TS entry, 1,000 modules, leaf edit',
      target: { stat: 'p50', max: 120 },
      project: large,
      edit: leafEdit(large),
      shows: (n) => ({ text: `v${n}` }),
    },
  ];
}

/**
 * Time from the start of a file write to the moment the page shows the new state, as the page reports
 * it. Each case gets its own devpush process and page; edits are spaced by a pause and each waits for
 * the page to be connected again after a reload, as a person saving by hand would.
 */
export async function saveToVisible(settings: Settings): Promise<Figure[]> {
  const browser = await BenchBrowser.launch();
  const figures: Figure[] = [];
  try {
    for (const c of cases()) {
      try {
        figures.push(await runCase(browser, c, settings));
      } catch (error) {
        figures.push(
          notAvailable(
            GROUP,
            c.name,
            'ms',
            `failed: ${(error as Error).message.split('\n')[0]}`,
            c.target ? { target: c.target } : {},
          ),
        );
      }
    }
  } finally {
    await browser.close();
  }
  return figures;
}

async function runCase(browser: BenchBrowser, c: Case, settings: Settings): Promise<Figure> {
  const server = await DevpushProcess.start(c.project.root);
  let page: BenchPage | null = null;
  try {
    await server.watcherReady(c.project);
    page = await browser.open(server.url);
    const matches = (n: number) => {
      const want = c.shows(n);
      return (s: { text: string | null; color: string | null }) =>
        (want.text === undefined || s.text === want.text) && (want.color === undefined || s.color === want.color);
    };
    await page.waitUntilReady((s) => s.text !== 'loading');
    const samples: number[] = [];
    const reportLag: number[] = [];
    // For reloads: write → navigation start → first byte of the document → state shown.
    const stages = { toNavigation: [] as number[], document: [] as number[], scripts: [] as number[] };
    for (let n = 1; n <= settings.warmup + settings.edits; n++) {
      const shown = page.waitFor(matches(n), `${c.name}: edit ${n} to show`);
      const writeAt = preciseNow();
      c.edit(n);
      const report = await shown;
      if (n > settings.warmup) {
        samples.push(report.state.at - writeAt);
        reportLag.push(report.receivedAt - report.state.at);
        const { navigationStart, documentAt, at } = report.state;
        if (navigationStart > writeAt && documentAt !== null) {
          stages.toNavigation.push(navigationStart - writeAt);
          stages.document.push(documentAt - navigationStart);
          stages.scripts.push(at - documentAt);
        }
      }
      await page.waitUntilReady(matches(n));
      await sleep(settings.pauseMs);
    }
    const split = stages.toNavigation.length ? medians(stages) : null;
    return measured(GROUP, c.name, 'ms', samples, {
      ...(c.target && { target: c.target }),
      ...(split && {
        note: `p50 stages: write → reload starts ${split.toNavigation} · first byte ${split.document} · page shows it ${split.scripts} ms`,
      }),
      detail: { medianReportLagMs: medians({ lag: reportLag }).lag, browser: browser.version, stagesP50Ms: split },
    });
  } finally {
    await page?.close();
    await server.stop();
  }
}
