import type { MessageId } from '../protocol.js';
import type { Encoded } from './encoded.js';

// The framing every HTTP rung speaks (SSE, the XHR stream, and long-poll bodies): the text/event-stream
// format. Pure functions of strings, so they are tested with strings, and the client parses all three
// rungs with one parser. JSON.stringify escapes CR and LF, so a message is always one `data:` line.

/** Bytes of padding in the prelude: some proxies and antivirus hold the first kilobytes of a response. */
export const PRELUDE_PADDING = 2048;

/** One message: `id:` (the cursor to resume from after it) and its JSON on one `data:` line. */
export function eventFrame(id: MessageId, json: string): string {
  return `id: ${id}\ndata: ${json}\n\n`;
}

/** A comment line; EventSource ignores it. Line breaks in `text` are flattened so it stays one comment. */
export function commentFrame(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** Tells EventSource how long to wait before reconnecting by itself (ms). */
export function retryFrame(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

/** A comment of `padding` spaces, written right after the headers so buffering middleboxes pass the stream on. */
export function prelude(padding = PRELUDE_PADDING): string {
  return `:${' '.repeat(padding)}\n\n`;
}

/**
 * The frame of one message on an event stream. Its `id:` is where a client resumes if the connection
 * ends right after it. `hello` and `resync` carry `resumeId` (the cursor the client came with) rather than
 * the server's newest id: a cut during the replay that follows hello must resume before that replay, and
 * a resync must be repeated, not skipped, by a client that reconnects on its own (EventSource does).
 * Other frames are framed once per message and shared by every client.
 */
export function frameMessage(encoded: Encoded, resumeId: MessageId): string {
  const { kind } = encoded.message;
  if (kind === 'hello' || kind === 'resync') return eventFrame(resumeId, encoded.json);
  return encoded.framed('event-stream', (e) => eventFrame(e.message.id, e.json));
}
