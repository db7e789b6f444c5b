import { EventStreamParser } from './event-stream.js';
import type { ClientTransport } from './transport.js';

/**
 * Rung 3: event-stream frames read from a plain GET as they arrive (XHR `onprogress`), for networks that
 * break EventSource. The server ends the response at a byte cap, so the XHR's text does not grow
 * forever; this rung then reopens at once with the cursor as it is now.
 */
export const streamTransport: ClientTransport = {
  name: 'stream',
  holdsHttpConnection: true,
  helloDeadlineMs: 2500,
  supported: () => typeof XMLHttpRequest === 'function',
  open(url, handlers) {
    let done = false;
    let xhr: XMLHttpRequest | null = null;
    const finish = (reason: string, fatal = false) => {
      if (done) return;
      done = true;
      handlers.closed(reason, fatal);
    };
    const request = (target: URL) => {
      const parser = new EventStreamParser();
      let read = 0;
      let sawEvent = false;
      const current = new XMLHttpRequest();
      xhr = current;
      const drain = () => {
        const text = current.responseText;
        if (text.length === read) return;
        const events = parser.feed(text.slice(read));
        read = text.length;
        if (events.length > 0) sawEvent = true;
        for (const event of events) if (!done) handlers.message(event.data);
      };
      current.onprogress = drain;
      current.onload = () => {
        if (done) return;
        if (current.status !== 200) {
          finish(`stream refused (HTTP ${current.status})`, current.status === 400);
          return;
        }
        drain();
        // Every response starts with hello: an empty one is a middlebox answering for the server, and
        // reopening at once would spin.
        if (!sawEvent) finish('stream ended without a message');
        if (!done) request(handlers.continueUrl());
      };
      current.onerror = () => finish('stream failed');
      current.open('GET', target);
      current.send();
    };
    request(url);
    return {
      close() {
        done = true;
        xhr?.abort();
      },
    };
  },
};
