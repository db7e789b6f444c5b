// Injects the client tag into an HTML response as it streams from a backend. Bytes are held only until
// the scanner has seen `</head>` (or the end of the page), then everything flows through untouched. The
// text is read as latin1, which maps every byte to one character and back: the page's own encoding,
// whatever it is, survives byte for byte, and the scanner only looks at ASCII.
import { Transform, type TransformCallback } from 'node:stream';
import { injectTag, scan } from '../server/inject.js';

/** A page that never closes its head within this many bytes gets the tag appended at its end instead. */
const MAX_HELD_BYTES = 1 << 20;
const HEAD_CLOSE = '</head';

/** Makes the tag for a page from what has been seen of it (entry stylesheets named in the head). */
export type TagFor = (seen: string) => string;

export class InjectStream extends Transform {
  private held = '';
  private state: 'holding' | 'passing' | 'appending' = 'holding';

  constructor(private readonly tagFor: TagFor) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.state !== 'holding') {
      done(null, chunk);
      return;
    }
    this.held += chunk.toString('latin1');
    const { headClose, hasClient } = scan(this.held);
    if (hasClient) {
      this.release(this.held, 'passing');
    } else if (headClose >= 0 && headClose + HEAD_CLOSE.length < this.held.length) {
      // The character after `</head` is here, so it is `</head>` and not the start of `</header>`.
      const at = headClose;
      this.release(this.held.slice(0, at) + this.tagFor(this.held) + this.held.slice(at), 'passing');
    } else if (this.held.length > MAX_HELD_BYTES) {
      this.release(this.held, 'appending');
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.state === 'holding') this.push(Buffer.from(injectTag(this.held, this.tagFor(this.held)), 'latin1'));
    else if (this.state === 'appending') this.push(Buffer.from(this.tagFor(''), 'latin1'));
    done();
  }

  private release(text: string, next: 'passing' | 'appending'): void {
    this.push(Buffer.from(text, 'latin1'));
    this.held = '';
    this.state = next;
  }
}
