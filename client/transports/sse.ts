import type { ClientTransport } from './transport.js';

/**
 * Rung 2: EventSource. EventSource would reconnect by itself after a network error, but gives up for
 * good after any non-200 answer (a proxy's 502 while devpush restarts), and meanwhile the page could not
 * tell it is down. So every error closes it and the connection opens a new one, with its own cursor and
 * backoff, whatever the cause.
 */
export const sseTransport: ClientTransport = {
  name: 'sse',
  holdsHttpConnection: true,
  helloDeadlineMs: 2500,
  supported: () => typeof EventSource === 'function',
  open(url, handlers) {
    const source = new EventSource(url);
    let done = false;
    source.onmessage = (event: MessageEvent<string>) => {
      if (!done) handlers.message(event.data);
    };
    source.onerror = () => {
      if (done) return;
      done = true;
      source.close();
      handlers.closed('event stream failed or was refused');
    };
    return {
      close() {
        done = true;
        source.close();
      },
    };
  },
};
