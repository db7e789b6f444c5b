import { EventStreamParser } from './event-stream.js';
import type { ClientTransport } from './transport.js';

/**
 * Rung 4: long polling, for networks that buffer every response until it ends. The first request is
 * answered at once with hello; each next one carries the cursor as it is now and is held by the server
 * until there is something to say.
 */
export const pollTransport: ClientTransport = {
  name: 'poll',
  holdsHttpConnection: true,
  helloDeadlineMs: 5000,
  supported: () => typeof fetch === 'function' && typeof AbortController === 'function',
  open(url, handlers) {
    let done = false;
    let controller: AbortController | null = null;
    const finish = (reason: string, fatal = false) => {
      if (done) return;
      done = true;
      handlers.closed(reason, fatal);
    };
    const request = async (target: URL) => {
      controller = new AbortController();
      let status: number;
      let body: string;
      try {
        const response = await fetch(target, { cache: 'no-store', signal: controller.signal });
        status = response.status;
        body = await response.text();
      } catch {
        finish('poll failed');
        return;
      }
      if (done) return;
      if (status !== 200) {
        finish(`poll refused (HTTP ${status})`, status === 400);
        return;
      }
      const events = new EventStreamParser().feed(body);
      // Every answer starts with hello: an empty one is a middlebox answering for the server, and
      // polling again at once would spin.
      if (events.length === 0) finish('poll answered without a message');
      for (const event of events) if (!done) handlers.message(event.data);
      if (!done) void request(handlers.continueUrl());
    };
    void request(url);
    return {
      close() {
        done = true;
        controller?.abort();
      },
    };
  },
};
