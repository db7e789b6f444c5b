import path from 'node:path';
import type { BuildEffect, Builder } from '../bundle/builder.js';
import { SOURCE_ENTRY } from '../bundle/builder.js';
import { describeProblem } from '../bundle/errors.js';
import type { Hub } from '../channel/hub.js';
import { colorsOf, type Logger } from '../log.js';
import type { ModuleOutcome, ModuleServer } from '../modules/module-server.js';
import type { BuildProblem, ChangeSummary, Publishable, ReplayableMessage } from '../protocol.js';
import { describeChange, summarize } from '../status/change-log.js';
import type { ChangeSet } from '../watch/coalesce.js';
import { urlPathOf } from './static.js';
import { styleTexts } from './style-texts.js';
import { idsBetween, preciseNow, RecentTimings } from './timing.js';
import { isInside } from '../fs/inside.js';

/**
 * A file outside the served folder (a `watch.paths` folder) as pages are told of it: relative to the
 * served folder (`../shared/theme.css`), never the machine's absolute path; on another drive, its name.
 */
function outsideName(root: string, file: string): string {
  const relative = path.relative(root, file);
  return path.isAbsolute(relative) ? path.basename(file) : relative.split(path.sep).join('/');
}

/** A code frame under a one-line problem, when there is one. */
function frameOf(problem: { frame: string }): string {
  return problem.frame ? `\n${problem.frame}` : '';
}

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp)$/i;
const STICKY_BUILD_ERROR = 'build-error';

/** What one change set asks of the pages. */
interface Plan {
  reload: string[];
  css: string[];
  img: string[];
  /** Plain stylesheets of the folder among `css`: URL path → file (their text may go with the message). */
  cssFiles?: Map<string, string>;
}

/**
 * Turns each change set into messages, one direction only: changed files → rebuild of the entries that
 * use them → a plan (reload wins over swaps) → hub. Change sets are handled one at a time, in order.
 */
export class Pipeline {
  private queue: Promise<void> = Promise.resolve();
  private version = 0;
  /** Stage timings of recent change sets, shown at /__devpush/status and read by `npm run bench`. */
  readonly timings = new RecentTimings();

  /** Messages published while a change set is being handled (for its summary). */
  private published: ReplayableMessage[] = [];

  constructor(
    private readonly root: string,
    private readonly builder: Builder,
    private readonly hub: Hub,
    private readonly log: Logger,
    /** Hears what each change set did (the status page's recent changes). */
    private readonly onSummary: (summary: ChangeSummary) => void = () => {},
    /** Files the pipeline leaves alone (the config file: saving it restarts the server instead). */
    private readonly ignored: (file: string) => boolean = () => false,
    private readonly modules: ModuleServer | null = null,
    /** The public folder: its files are at the site root, so a save there names `/style.css`, not `/public/style.css`. */
    private readonly publicDir: string | null = null,
  ) {}

  handle(changes: ChangeSet): Promise<void> {
    const flushedAt = preciseNow();
    this.queue = this.queue
      .then(() => this.process(changes, flushedAt))
      .catch((error: unknown) => {
        this.log.error(`devpush: could not process a change: ${(error as Error).stack ?? String(error)}`);
      });
    return this.queue;
  }

  private async process(changes: ChangeSet, flushedAt: number): Promise<void> {
    const startedAt = preciseNow();
    const plan: Plan = { reload: [], css: [], img: [] };
    this.published = [];
    if ([...changes.keys()].every(this.ignored)) return;
    const moduleOutcome = this.modules ? await this.modules.handle(changes) : null;
    for (const [file, event] of changes) {
      if (this.builder.uses(file) || event === 'addDir' || this.ignored(file) || moduleOutcome?.claimed.has(file))
        continue;
      this.classify(file, event, plan);
    }
    const effects = await this.builder.rebuild(changes);
    // Unused when the set ends in a reload (a build effect or the module side may still ask for one).
    const texts = plan.cssFiles && !plan.reload.length ? styleTexts(plan.cssFiles) : undefined;
    const builtAt = preciseNow();
    const cpuBefore = process.cpuUsage();
    const idBefore = this.hub.currentId;
    for (const effect of effects) this.applyBuild(effect, plan);
    if (moduleOutcome?.reload) {
      this.log.info(`full reload: ${moduleOutcome.reload}`);
      plan.reload.push(...moduleOutcome.claimed);
    }
    this.publish(plan, moduleOutcome, texts);
    const cpu = process.cpuUsage(cpuBefore);
    const publishedAt = preciseNow();
    this.report(changes, effects, publishedAt);
    this.timings.add({
      messages: idsBetween(idBefore, this.hub.currentId),
      files: changes.size,
      firstEventAt: changes.timing.firstEventAt,
      lastEventAt: changes.timing.lastEventAt,
      flushedAt,
      startedAt,
      builtAt,
      publishedAt,
      publishCpuUs: cpu.user + cpu.system,
      clients: this.hub.clientCount,
    });
  }

  /** A build no change set asked for (first request, discovery): its errors are reported, nothing reloads. */
  entryBuilt(effect: BuildEffect): void {
    this.applyBuild(effect, { reload: [], css: [], img: [] });
  }

  /** An entry was dropped while failing: its error no longer holds. */
  entryDropped(entry: string): void {
    if (this.hub.clearSticky(`${STICKY_BUILD_ERROR}:${entry}`)) this.send({ kind: 'error-cleared', source: entry });
  }

  /** A plain file of the site: stylesheets and images swap in place, anything else reloads. */
  private classify(file: string, event: string, plan: Plan): void {
    const inside = isInside(this.root, file);
    const fromPublic = this.publicDir !== null && isInside(this.publicDir, file);
    const url = fromPublic
      ? urlPathOf(this.publicDir as string, file)
      : inside
        ? urlPathOf(this.root, file)
        : outsideName(this.root, file);
    if (inside && SOURCE_ENTRY.test(file)) return; // a source no entry uses: nothing on the page changed
    if (event === 'change' && inside && /\.css$/i.test(file)) {
      plan.css.push(url);
      plan.cssFiles ??= new Map();
      plan.cssFiles.set(url, file);
    } else if (event === 'change' && inside && IMAGE.test(file)) plan.img.push(url);
    else plan.reload.push(url);
  }

  private applyBuild(effect: BuildEffect, plan: Plan): void {
    for (const warning of effect.warnings)
      this.log.warn(`${effect.entry}: ${describeProblem(warning)}${frameOf(warning)}`);
    if (effect.kind === 'error') {
      for (const problem of effect.problems)
        this.log.error(`build error in ${effect.entry}: ${describeProblem(problem)}${frameOf(problem)}`);
      this.send(
        { kind: 'error', source: effect.entry, errors: effect.problems },
        `${STICKY_BUILD_ERROR}:${effect.entry}`,
      );
      return;
    }
    if (this.hub.clearSticky(`${STICKY_BUILD_ERROR}:${effect.entry}`)) {
      this.log.info(`build fixed: ${effect.entry}`);
      this.send({ kind: 'error-cleared', source: effect.entry });
    }
    switch (effect.kind) {
      case 'recovered':
      case 'js':
        plan.reload.push(effect.entry);
        return;
      case 'css':
        plan.css.push(...effect.cssPaths);
        return;
      case 'none':
        return;
      default: {
        const unknown: never = effect.kind;
        throw new Error(`pipeline: unknown build effect ${String(unknown)}`);
      }
    }
  }

  /**
   * One line per change set: when, what was saved, what the pages were told, how many pages, and what was
   * rebuilt in how long (`rebuilt /src/main.ts 12.3 ms`).
   */
  private report(changes: ChangeSet, effects: BuildEffect[], publishedAt: number): void {
    const files = [...changes.keys()].filter((file) => !this.ignored(file));
    const summary = summarize(
      this.root,
      files,
      this.published,
      this.hub.clientCount,
      changes.timing.firstEventAt,
      publishedAt,
    );
    this.published = [];
    this.onSummary(summary);
    const built = effects.filter((effect) => effect.ms > 0);
    const rebuilt = built.length
      ? ` · rebuilt ${built.map((effect) => `${effect.entry} ${effect.ms.toFixed(1)} ms${effect.kind === 'error' ? ' (failed)' : ''}`).join(', ')}`
      : '';
    this.log.info(describeChange(summary, colorsOf(this.log), rebuilt));
  }

  /** Publishes through the hub and keeps the message for the change set's summary. */
  private send(message: Publishable, stickyKey?: string): void {
    this.published.push(stickyKey ? this.hub.publishSticky(stickyKey, message) : this.hub.publish(message));
  }

  /** A module failed to transform or to resolve an import (sticky until fixed), or was fixed. */
  moduleProblems(url: string, problems: BuildProblem[] | null): void {
    const key = `${STICKY_BUILD_ERROR}:${url}`;
    if (!problems) {
      if (this.hub.clearSticky(key)) {
        this.log.info(`fixed: ${url}`);
        this.send({ kind: 'error-cleared', source: url });
      }
      return;
    }
    for (const problem of problems) this.log.error(`error in ${url}: ${describeProblem(problem)}${frameOf(problem)}`);
    this.send({ kind: 'error', source: url, errors: problems }, key);
  }

  private publish(plan: Plan, modules: ModuleOutcome | null = null, texts?: Record<string, string>): void {
    if (!plan.reload.length && modules?.changed.length && modules.modules.length)
      this.send({
        kind: 'update',
        changed: modules.changed,
        modules: modules.modules,
        ...(modules.styles.length > 0 && { styles: modules.styles }),
      });
    if (plan.reload.length) {
      // The reload covers the swaps too; the message still names every file, so nothing is dropped.
      const paths = [...plan.reload, ...plan.css, ...plan.img];
      this.send({ kind: 'reload', reason: 'file changed', paths });
      return;
    }
    this.version++;
    if (plan.css.length) this.send({ kind: 'css', paths: plan.css, version: this.version, ...(texts && { texts }) });
    if (plan.img.length) this.send({ kind: 'img', paths: plan.img, version: this.version });
  }
}
