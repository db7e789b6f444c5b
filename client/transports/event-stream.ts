// Parses the text/event-stream framing that the sse, stream and poll rungs share (EventSource parses it
// natively; the stream and poll rungs use this). Pure: fed strings, returns events; tested with strings.

export interface StreamEvent {
  /** The `id:` field: where to resume after this event. */
  id: string | null;
  data: string;
}

/**
 * Incremental parser: `feed` any slice of the text (a chunk may end mid-line) and get the events it
 * completed. Comments (`:`) are skipped; `data:` lines of one event are joined with "\n".
 */
export class EventStreamParser {
  private pending = '';
  private data: string[] = [];
  private id: string | null = null;
  /** The last chunk ended in a CR: a LF starting this one is the second half of its CRLF. */
  private afterCR = false;

  feed(chunk: string): StreamEvent[] {
    const events: StreamEvent[] = [];
    let text = this.pending + chunk;
    if (this.afterCR && text.length > 0) {
      if (text.startsWith('\n')) text = text.slice(1);
      this.afterCR = false;
    }
    let start = 0;
    for (;;) {
      const end = nextLineBreak(text, start);
      if (end === -1) break;
      this.line(text.slice(start, end), events);
      // A CR ends its line at once (the stream may pause right after it); a LF after it is skipped.
      if (text[end] === '\r' && end + 1 === text.length) this.afterCR = true;
      start = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
    }
    this.pending = text.slice(start);
    return events;
  }

  private line(line: string, events: StreamEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) events.push({ id: this.id, data: this.data.join('\n') });
      this.data = [];
      this.id = null;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
  }
}

function nextLineBreak(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (cr === -1) return lf;
  if (lf === -1) return cr;
  return Math.min(cr, lf);
}
