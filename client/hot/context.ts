// `import.meta.hot` of one module instance. Every served module's first line calls createHotContext.
import type { HotContext, ModuleNamespace } from '../../client.js';
import { addListener, type Listener, removeListener } from './events.js';
import { type AcceptCallback, type ModuleRecord, startRecord } from './registry.js';
import { reportToServer } from './report.js';
import { invalidate } from './update.js';

class ModuleHotContext implements HotContext {
  constructor(private readonly record: ModuleRecord) {}

  get data(): Record<string, unknown> {
    return this.record.data;
  }

  accept(
    first?: string | readonly string[] | ((module: ModuleNamespace | undefined) => void),
    callback?:
      | ((module: ModuleNamespace | undefined) => void)
      | ((modules: Array<ModuleNamespace | undefined>) => void),
  ): void {
    if (first === undefined || typeof first === 'function') {
      this.record.selfAccept ??= [];
      if (first) this.record.selfAccept.push(first);
      return;
    }
    const single = typeof first === 'string';
    const deps = (single ? [first] : [...first]).map((dep) => this.resolve(dep));
    this.record.depAccepts.push({ deps, callback: (callback as AcceptCallback | undefined) ?? null, single });
  }

  dispose(callback: (data: Record<string, unknown>) => void | Promise<void>): void {
    this.record.disposers.push(callback);
  }

  prune(callback: (data: Record<string, unknown>) => void | Promise<void>): void {
    this.record.pruners.push(callback);
  }

  invalidate(message?: string): void {
    invalidate(this.record.path, message);
  }

  on(event: string, callback: Listener): void {
    addListener(this.record.url, event, callback);
  }

  off(event: string, callback: Listener): void {
    removeListener(event, callback);
  }

  send(event: string, data?: unknown): void {
    reportToServer({ kind: 'custom', event, data: data ?? null });
  }

  /** A dep as written in this module (`./a.js` for a.ts) → the URL path the server resolved it to. */
  private resolve(dep: string): string {
    return this.record.imports[dep] ?? new URL(dep, new URL(this.record.url, location.href)).pathname;
  }
}

/** Called by the first line of every served module with its URL and its imports (specifier → URL path). */
export function createHotContext(url: string, imports: Record<string, string> = {}): HotContext {
  return new ModuleHotContext(startRecord(url, imports));
}
