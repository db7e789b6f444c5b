import type { TransportName } from '../src/protocol.js';
import type { ClientTransport } from './transports/transport.js';
import type { KeyValueStore } from './world.js';

const RUNG_KEY = 'devpush:rung';

/**
 * The rungs this browser can use, in the server's order (best first), and the one to try now: the one
 * that last worked in this tab's session (so a reload on a network that blocks WebSocket does not wait
 * out its deadline again), else the best.
 */
export class Ladder {
  readonly rungs: readonly ClientTransport[];
  private index: number;
  private readonly key: string;

  constructor(
    offered: readonly TransportName[],
    known: Partial<Record<TransportName, ClientTransport>>,
    private readonly storage: KeyValueStore,
    origin: string,
  ) {
    this.rungs = offered
      .map((name) => known[name])
      .filter((rung): rung is ClientTransport => rung?.supported() === true);
    this.key = `${RUNG_KEY}:${origin}`;
    this.index = Math.max(
      0,
      this.rungs.findIndex((rung) => rung.name === storage.get(this.key)),
    );
  }

  /** The rung to try now; none when this browser supports none of the offered ones. */
  get current(): ClientTransport | undefined {
    return this.rungs[this.index];
  }

  get best(): ClientTransport | undefined {
    return this.rungs[0];
  }

  get onBest(): boolean {
    return this.index === 0;
  }

  /** `rung` said hello: stay on it, and start from it on this tab's next page. */
  worked(rung: ClientTransport): void {
    this.index = this.rungs.indexOf(rung);
    this.storage.set(this.key, rung.name);
  }

  /**
   * `rung` did not come up: forget it and move down one. False when it was the last one: every rung has
   * failed, and the next round starts from the top.
   */
  failed(rung: ClientTransport): boolean {
    if (this.storage.get(this.key) === rung.name) this.storage.remove(this.key);
    if (this.index + 1 < this.rungs.length) {
      this.index++;
      return true;
    }
    this.index = 0;
    return false;
  }
}
