import { startFaultProxy, type Faults } from '../../test/helpers/fault-proxy.js';
import { BenchBrowser, type BenchPage } from '../browser.js';
import { DevpushProcess } from '../devpush.js';
import { measured, notAvailable, type Figure, type Target } from '../figure.js';
import { staticProject } from '../projects.js';
import type { Settings } from '../settings.js';

const GROUP = 'fallback discovery (Chromium)';

interface Scenario {
  name: string;
  faults: Faults;
  /** The rung the client must end on. */
  rung: string;
  target?: Target;
}

// The networks of the test suite's fault proxy (test/helpers/fault-proxy.ts), from kind to worst.
const SCENARIOS: Scenario[] = [
  { name: 'clean network', faults: {}, rung: 'websocket' },
  { name: 'WebSocket upgrade refused', faults: { upgrade: 'refuse' }, rung: 'sse', target: { stat: 'p50', max: 500 } },
  { name: 'WebSocket upgrade hangs', faults: { upgrade: 'hold' }, rung: 'sse', target: { stat: 'p50', max: 3500 } },
  {
    name: 'streams buffered, upgrade refused',
    faults: { upgrade: 'refuse', buffer: true },
    rung: 'poll',
    target: { stat: 'p50', max: 8000 },
  },
  {
    name: 'streams buffered, upgrade hangs',
    faults: { upgrade: 'hold', buffer: true },
    rung: 'poll',
    target: { stat: 'p50', max: 8000 },
  },
];

/**
 * Page load (navigation start) → the client's first `hello` (its state turns `up`) in a fresh browser
 * context, behind each fault; then, for the refused upgrade, the same on a reload, when the client
 * remembers the rung that worked.
 */
export async function fallback(settings: Settings): Promise<Figure[]> {
  const browser = await BenchBrowser.launch();
  const site = staticProject();
  const server = await DevpushProcess.start(site.root);
  const figures: Figure[] = [];
  try {
    for (const scenario of SCENARIOS) {
      try {
        figures.push(...(await runScenario(browser, server, scenario, settings)));
      } catch (error) {
        figures.push(
          notAvailable(
            GROUP,
            scenario.name,
            'ms',
            `failed: ${(error as Error).message.split('\n')[0]}`,
            scenario.target ? { target: scenario.target } : {},
          ),
        );
      }
    }
  } finally {
    await server.stop();
    await browser.close();
  }
  return figures;
}

const upOn = (rung: string) => (s: { channel: string | null }) => s.channel === `up:${rung}`;

async function runScenario(
  browser: BenchBrowser,
  server: DevpushProcess,
  scenario: Scenario,
  settings: Settings,
): Promise<Figure[]> {
  const proxy = await startFaultProxy(server.url, scenario.faults);
  const first: number[] = [];
  const remembered: number[] = [];
  try {
    for (let i = 0; i < settings.fallbackLoads; i++) {
      let page: BenchPage | null = null;
      try {
        page = await browser.open(proxy.url);
        const up = await page.waitFor(upOn(scenario.rung), `${scenario.name}: hello on ${scenario.rung}`, 30_000, true);
        first.push(up.state.at - up.state.navigationStart);
        if (scenario.rung === 'sse' && scenario.faults.upgrade === 'refuse') {
          const reloaded = page.waitFor(
            (s) => upOn(scenario.rung)(s) && s.navigationStart > up.state.navigationStart,
            'hello after a reload',
            30_000,
          );
          await page.page.reload();
          const again = await reloaded;
          remembered.push(again.state.at - again.state.navigationStart);
        }
      } finally {
        await page?.close();
      }
    }
  } finally {
    await proxy.close();
  }
  const figures = [
    measured(
      GROUP,
      `${scenario.name}: load → hello (${scenario.rung})`,
      'ms',
      first,
      scenario.target ? { target: scenario.target } : {},
    ),
  ];
  if (remembered.length) {
    figures.push(
      measured(GROUP, `reload with the rung remembered (${scenario.rung}): load → hello`, 'ms', remembered, {
        target: { stat: 'p50', max: 100 },
      }),
    );
  }
  return figures;
}
