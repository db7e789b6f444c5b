import { createRequire } from 'node:module';

type Esbuild = typeof import('esbuild');

/**
 * After this long with no esbuild call running and no context alive, esbuild's service (a child process
 * of ~15 MiB) is stopped; the next call starts a new one, which costs that call 20-50 ms. Long enough
 * that saves a minute or so apart never pay it.
 */
export const IDLE_STOP_MS = 60_000;

export interface EsbuildServiceStats {
  /** Whether a service is started (or about to be, by a call in flight). */
  running: boolean;
  /** Times the service was stopped for idleness. */
  idleStops: number;
}

/**
 * The one way devpush calls esbuild: it loads esbuild's API on first use and stops its service when idle.
 * esbuild restarts its service by itself on the next call after `stop()`, but a call in flight when it
 * stops would never settle, so the service is only stopped when no call is running and no context (which
 * lives in the service) is held.
 */
export class EsbuildService {
  private api: Esbuild | null = null;
  private calls = 0;
  private holds = 0;
  private running = false;
  private idleStops = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly idleStopMs = IDLE_STOP_MS) {}

  /** Runs `work` with esbuild's API; the service is not stopped until it settles. */
  async use<T>(work: (esbuild: Esbuild) => Promise<T>): Promise<T> {
    this.calls++;
    this.running = true;
    this.cancelTimer();
    try {
      return await work(this.load());
    } finally {
      this.calls--;
      this.armTimer();
    }
  }

  /** Keeps the service up (for a context, which lives in it) until the returned release is called. */
  hold(): () => void {
    this.holds++;
    this.running = true;
    this.cancelTimer();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.armTimer();
    };
  }

  /** Stops the service if nothing needs it now; returns whether it did. The idle timer calls this. */
  stopIfIdle(): boolean {
    if (this.calls > 0 || this.holds > 0 || !this.running) return false;
    this.cancelTimer();
    this.running = false;
    this.idleStops++;
    void this.load().stop();
    return true;
  }

  stats(): EsbuildServiceStats {
    return { running: this.running, idleStops: this.idleStops };
  }

  /**
   * Required, not imported: through Node's ESM loader the esbuild package (CommonJS) cost ~5 MiB more
   * idle memory in the bench's cold-start figure.
   */
  private load(): Esbuild {
    this.api ??= createRequire(import.meta.url)('esbuild') as Esbuild;
    return this.api;
  }

  private armTimer(): void {
    if (this.calls > 0 || this.holds > 0) return;
    this.cancelTimer();
    this.timer = setTimeout(() => this.stopIfIdle(), this.idleStopMs);
    // Never the reason the process stays up.
    this.timer.unref();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The service every part of devpush uses (config loading, the module side, bundled entries). */
export const esbuildService = new EsbuildService();
