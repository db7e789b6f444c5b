// Injects the client tag into an HTML response as it streams from a backend. Bytes are held only until
// the scanner has seen `</head>` (or the end of the page); the tag goes there, unless the head already
// has the client (a pasted snippet). After that the page flows on, held back only while a tag, comment
// or raw-text element is unfinished at a chunk's end, so that a snippet pasted further down (in the
// body) can be made inert before it reaches the browser: one client per page. The text is read as
// latin1, which maps every byte to one character and back: the page's own encoding, whatever it is,
// survives byte for byte, and the scanner only looks at ASCII.
import { Transform, type TransformCallback } from 'node:stream';
import { scanHtml } from '../html/scan.js';
import { CLIENT_MARKER, injectTag } from '../server/inject.js';

/** A page that never closes its head (or an unfinished construct) within this many bytes is let through. */
const MAX_HELD_BYTES = 1 << 20;
const HEAD_CLOSE = '</head';
/**
 * What a pasted snippet's start tag becomes below the injected client: a data block with no `src`, which
 * the browser neither fetches (its preload scanner included) nor runs; the page's markup says why.
 */
export const INERT_SNIPPET = '<script type="text/plain" data-devpush-inert="devpush injected its client in the head">';

/** Makes the tag for a page from what has been seen of it (entry stylesheets named in the head). */
export type TagFor = (seen: string) => string;

type State = 'head' | 'body' | 'passing' | 'appending';

export class InjectStream extends Transform {
  /** Text received and not yet sent: the head until `</head>`, then only an unfinished construct. */
  private held = '';
  private state: State = 'head';

  constructor(private readonly tagFor: TagFor) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.state === 'passing' || this.state === 'appending') {
      done(null, chunk);
      return;
    }
    this.held += chunk.toString('latin1');
    if (this.state === 'head') this.readHead();
    else this.releaseBody();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.state === 'head') this.send(injectTag(this.held, this.tagFor(this.held)));
    else if (this.state === 'body') this.releaseBody(true);
    else if (this.state === 'appending') this.send(this.tagFor(''));
    done();
  }

  private readHead(): void {
    const { headClose, clientAt } = landmarks(this.held);
    if (clientAt >= 0 && (headClose < 0 || clientAt < headClose)) {
      this.release('passing');
    } else if (headClose >= 0 && headClose + HEAD_CLOSE.length < this.held.length) {
      // The character after `</head` is here, so it is `</head>` and not the start of `</header>`.
      this.send(this.held.slice(0, headClose) + this.tagFor(this.held));
      this.held = this.held.slice(headClose);
      this.state = 'body';
      this.releaseBody();
    } else if (this.held.length > MAX_HELD_BYTES) {
      this.release('appending');
    }
  }

  /** Sends what is finished, with any pasted snippet in it made inert; `end`: everything. */
  private releaseBody(end = false): void {
    const text = this.held;
    const { unterminated, snippets } = landmarks(text);
    let ready = end || unterminated < 0 ? text.length : unterminated;
    // A lone `<` at the end may be the start of a tag the next chunk finishes.
    if (!end && ready === text.length && text.endsWith('<')) ready--;
    let out = '';
    let from = 0;
    for (const snippet of snippets.filter((tag) => tag.start < ready)) {
      out += text.slice(from, snippet.start) + INERT_SNIPPET;
      from = snippet.end;
    }
    this.send(out + text.slice(from, ready));
    this.held = text.slice(ready);
    if (this.held.length > MAX_HELD_BYTES) this.release('passing');
  }

  private release(next: 'passing' | 'appending'): void {
    this.send(this.held);
    this.held = '';
    this.state = next;
  }

  private send(text: string): void {
    if (text) this.push(Buffer.from(text, 'latin1'));
  }
}

/** Where the head closes, where the page's own client scripts start (a pasted snippet), what is unfinished. */
function landmarks(html: string) {
  const snippets: { start: number; end: number }[] = [];
  const { headClose, unterminated } = scanHtml(html, ({ name, text, start }) => {
    if (name === 'script' && text.includes(CLIENT_MARKER)) snippets.push({ start, end: start + text.length });
  });
  return { headClose, unterminated, snippets, clientAt: snippets[0]?.start ?? -1 };
}
