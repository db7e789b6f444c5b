// Preloaded with `--import` into a devpush child process by test/integration/lazy-start.test.ts: appends
// the URL of every script V8 parses (our files, packages, Node's own `node:` modules) to the file named by
// DEVPUSH_LOADED_LOG, as it is parsed, so the test can read what start-up and each request loaded.
import { appendFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const log = process.env.DEVPUSH_LOADED_LOG;
if (log) {
  const session = new Session();
  session.connect();
  session.on('Debugger.scriptParsed', (message) => appendFileSync(log, `${message.params.url}\n`));
  session.post('Debugger.enable');
}
