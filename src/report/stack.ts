/** One frame of a browser stack trace: where the code ran, as the browser names it (a served URL). */
export interface StackFrame {
  fn: string | null;
  url: string;
  line: number;
  column: number;
}

// V8: "    at fn (http://host/a.js:3:7)", "    at http://host/a.js:3:7", "    at async fn (…)".
const V8 = /^\s*at (?:(?:async )?(.*?) \()?(.+?):(\d+):(\d+)\)?$/;
// Firefox and Safari: "fn@http://host/a.js:3:7", "@http://host/a.js:3:7".
const GECKO = /^\s*(.*?)@(.+?):(\d+):(\d+)$/;

/** The frames of a stack that name a place in code (the message line and native frames are skipped). */
export function parseStack(stack: string, limit = 8): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split('\n')) {
    const match = V8.exec(text) ?? GECKO.exec(text);
    if (!match) continue;
    frames.push({ fn: match[1] || null, url: match[2]!, line: Number(match[3]), column: Number(match[4]) });
    if (frames.length >= limit) break;
  }
  return frames;
}
