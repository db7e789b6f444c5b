// Listeners of `import.meta.hot.on(event, cb)`: devpush's own events and the API's custom events. Each
// listener belongs to the module instance that added it, so a re-run module drops its old listeners.

// biome-ignore lint/suspicious/noExplicitAny: listeners type their own payload (see client.d.ts `on`)
export type Listener = (payload: any) => void;

const listeners = new Map<string, Set<Listener>>();
const ownedBy = new Map<string, Array<[string, Listener]>>();

export function addListener(owner: string, event: string, listener: Listener): void {
  const set = listeners.get(event) ?? new Set();
  listeners.set(event, set.add(listener));
  const owned = ownedBy.get(owner) ?? [];
  owned.push([event, listener]);
  ownedBy.set(owner, owned);
}

export function removeListener(event: string, listener: Listener): void {
  listeners.get(event)?.delete(listener);
}

/** Drops every listener a module instance added (it is being replaced or pruned). */
export function dropListenersOf(owner: string): void {
  for (const [event, listener] of ownedBy.get(owner) ?? []) removeListener(event, listener);
  ownedBy.delete(owner);
}

/** Calls every listener of `event`; one that throws is reported and does not stop the others. */
export function emit(event: string, payload: unknown): void {
  for (const listener of [...(listeners.get(event) ?? [])]) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`[devpush] a listener of "${event}" threw:`, error);
    }
  }
}
