import { type Handler, sendBody } from './route.js';

/**
 * `import.meta.env` for modules: the public values of this moment (prefixed variables and
 * the fixed keys only; nothing else is ever here), never cached.
 */
export function envScript(current: () => Readonly<Record<string, string | boolean>>): Handler {
  return (request) =>
    sendBody(request, `export default ${JSON.stringify(current())};\n`, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-store',
    });
}
