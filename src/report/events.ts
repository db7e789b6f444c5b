/** Which page sent an event (`import.meta.hot.send`), as a handler of `server.on` receives it. */
export interface EventSender {
  /** The page's id, URL and title as it reported them. */
  page: { id: string; url: string; title: string };
}

export type EventHandler = (data: unknown, sender: EventSender) => void | Promise<void>;

/**
 * Events pages send upstream, handed to handlers registered with `server.on(event, handler)`. The data
 * is whatever JSON the page sent: handlers get it as a value, nothing here runs or resolves it.
 */
export class PageEvents {
  private readonly handlers = new Map<string, Set<EventHandler>>();

  constructor(private readonly onHandlerError: (event: string, error: unknown) => void) {}

  on(event: string, handler: EventHandler): void {
    const set = this.handlers.get(event) ?? new Set();
    this.handlers.set(event, set);
    set.add(handler);
  }

  off(event: string, handler: EventHandler): void {
    this.handlers.get(event)?.delete(handler);
  }

  /** Whether anyone listens (an event nobody handles is dropped silently, as in Vite). */
  emit(event: string, data: unknown, sender: EventSender): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        const result = handler(data, sender);
        if (result instanceof Promise) result.catch((error: unknown) => this.onHandlerError(event, error));
      } catch (error) {
        this.onHandlerError(event, error);
      }
    }
  }
}
