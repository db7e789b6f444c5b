import path from 'node:path';
import type { BuildEffect, Builder } from '../build/builder.js';
import { SOURCE_ENTRY } from '../build/builder.js';
import { describeProblem } from '../build/errors.js';
import type { Hub } from '../channel/hub.js';
import type { Logger } from '../log.js';
import type { ChangeSet } from '../watch/coalesce.js';
import { urlPathOf } from './static.js';

const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp)$/i;
const STICKY_BUILD_ERROR = 'build-error';

/** What one change set asks of the pages. */
interface Plan {
  reload: string[];
  css: string[];
  img: string[];
}

/**
 * Turns each change set into messages, one direction only: changed files → rebuild of the entries that
 * use them → a plan (reload wins over swaps) → hub. Change sets are handled one at a time, in order.
 */
export class Pipeline {
  private queue: Promise<void> = Promise.resolve();
  private version = 0;

  constructor(
    private readonly root: string,
    private readonly builder: Builder,
    private readonly hub: Hub,
    private readonly log: Logger,
  ) {}

  handle(changes: ChangeSet): Promise<void> {
    this.queue = this.queue.then(() => this.process(changes)).catch((error: unknown) => {
      this.log.error(`devpush: could not process a change: ${(error as Error).stack ?? String(error)}`);
    });
    return this.queue;
  }

  private async process(changes: ChangeSet): Promise<void> {
    const plan: Plan = { reload: [], css: [], img: [] };
    const files = [...changes.keys()];
    for (const [file, event] of changes) {
      if (this.builder.uses(file) || event === 'addDir') continue;
      this.classify(file, event, plan);
    }
    for (const effect of await this.builder.rebuild(files)) this.applyBuild(effect, plan);
    this.publish(plan);
  }

  /** A plain file of the site: stylesheets and images swap in place, anything else reloads. */
  private classify(file: string, event: string, plan: Plan): void {
    const inside = !path.relative(this.root, file).startsWith('..');
    const url = inside ? urlPathOf(this.root, file) : file;
    if (inside && SOURCE_ENTRY.test(file)) return; // a source no entry uses: nothing on the page changed
    if (event === 'change' && inside && /\.css$/i.test(file)) plan.css.push(url);
    else if (event === 'change' && inside && IMAGE.test(file)) plan.img.push(url);
    else plan.reload.push(url);
  }

  private applyBuild(effect: BuildEffect, plan: Plan): void {
    if (effect.kind === 'error') {
      for (const problem of effect.problems) this.log.error(`build error: ${describeProblem(problem)}\n${problem.frame}`);
      this.hub.publishSticky(`${STICKY_BUILD_ERROR}:${effect.entry}`, { kind: 'error', source: effect.entry, errors: effect.problems });
      return;
    }
    if (effect.kind === 'recovered') {
      this.log.info(`build fixed: ${effect.entry}`);
      if (this.hub.clearSticky(`${STICKY_BUILD_ERROR}:${effect.entry}`)) this.hub.publish({ kind: 'error-cleared', source: effect.entry });
      plan.reload.push(effect.entry);
    } else if (effect.kind === 'js') {
      plan.reload.push(effect.entry);
    } else if (effect.kind === 'css') {
      plan.css.push(...effect.cssPaths);
    }
  }

  private publish(plan: Plan): void {
    if (plan.reload.length) {
      this.hub.publish({ kind: 'reload', reason: 'file changed', paths: plan.reload });
      return;
    }
    this.version++;
    if (plan.css.length) this.hub.publish({ kind: 'css', paths: plan.css, version: this.version });
    if (plan.img.length) this.hub.publish({ kind: 'img', paths: plan.img, version: this.version });
  }
}
