import type { BuildProblem } from '../src/protocol.js';
import { withStyleNonce } from './csp-nonce.js';

const TAG = 'devpush-overlay';

const STYLE = `
:host { position: fixed; inset: 0; z-index: 2147483647; background: rgba(0,0,0,.66); display: flex;
  align-items: flex-start; justify-content: center; overflow: auto; font: 14px/1.5 ui-monospace, Menlo, Consolas, monospace; }
.panel { margin: 8vh 16px; max-width: 960px; width: 100%; background: #1e1e1e; color: #eee; border-top: 6px solid #e5484d;
  border-radius: 6px; padding: 20px 24px; box-shadow: 0 10px 40px rgba(0,0,0,.5); }
h1 { font-size: 15px; margin: 0 0 12px; color: #ff8d8d; }
.where { color: #8ab4f8; margin: 14px 0 4px; }
pre { margin: 0; white-space: pre-wrap; }
.frame { background: #111; padding: 10px 12px; border-radius: 4px; margin-top: 6px; overflow-x: auto; }
.hint { color: #999; margin-top: 16px; font-size: 12px; }
`;

/** Build errors over the page, in a shadow root so page styles cannot break it (or it the page). */
class DevpushOverlay extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  show(problems: BuildProblem[]): void {
    const root = this.shadowRoot!;
    root.replaceChildren();
    const style = withStyleNonce(document.createElement('style'));
    style.textContent = STYLE;
    const panel = element('div', 'panel');
    panel.append(element('h1', '', `Build failed: ${problems.length} error${problems.length === 1 ? '' : 's'}`));
    for (const problem of problems) {
      const where = problem.location
        ? `${problem.location.file}:${problem.location.line}:${problem.location.column}`
        : '';
      if (where) panel.append(element('div', 'where', where));
      panel.append(element('pre', 'message', problem.text));
      if (problem.frame) panel.append(element('pre', 'frame', problem.frame));
    }
    panel.append(element('div', 'hint', 'Fix the file and save: this closes by itself. Esc hides it.'));
    root.append(style, panel);
  }
}

/** Text goes in through textContent only: messages are never parsed as HTML. */
function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Problems per failing source (a build entry): one entry fixed leaves the others' errors on screen. */
const failing = new Map<string, BuildProblem[]>();

function onKey(event: KeyboardEvent): void {
  if (event.key === 'Escape') hideOverlay();
}

/** Shows (or updates) the errors of one source, together with those of every other failing source. */
export function showOverlay(source: string, problems: BuildProblem[]): void {
  failing.set(source, problems);
  render();
}

/** One source builds again: its errors go; the overlay goes with the last of them. */
export function clearOverlay(source: string): void {
  if (failing.delete(source)) render();
}

function render(): void {
  hideOverlay();
  if (failing.size === 0) return;
  if (!customElements.get(TAG)) customElements.define(TAG, DevpushOverlay);
  const overlay = document.createElement(TAG) as DevpushOverlay;
  overlay.show(distinct([...failing.values()].flat()));
  document.documentElement.append(overlay);
  window.addEventListener('keydown', onKey);
}

/** Esc: out of the way until the next error arrives. */
function hideOverlay(): void {
  for (const overlay of document.querySelectorAll(TAG)) overlay.remove();
  window.removeEventListener('keydown', onKey);
}

/** A module two entries share fails both: its error is shown once. */
function distinct(problems: BuildProblem[]): BuildProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = JSON.stringify([problem.text, problem.location]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
