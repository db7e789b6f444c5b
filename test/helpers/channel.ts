import { createServer, type DevServer } from '../../src/index.js';
import { routePath } from '../../src/protocol.js';
import { tempProject } from './fixture.js';

/** The per-run token, read from the served client as a page would get it. */
export async function fetchToken(base: string): Promise<string> {
  const source = await (await fetch(new URL(routePath('client'), base))).text();
  const match = /"token":"([^"]+)"/.exec(source);
  if (!match) throw new Error('no token in the served client');
  return match[1]!;
}

export { WsProbe } from './rung-probe.js';

/** A server on a throw-away one-page project, for channel tests, and its token. */
export async function startChannelServer(heartbeatMs: number): Promise<{ server: DevServer; token: string }> {
  const server = await createServer({
    root: tempProject({ 'index.html': '<p>hi</p>' }),
    configFile: false,
    server: { port: 0 },
    channel: { heartbeatMs },
    logLevel: 'silent',
  });
  return { server, token: await fetchToken(server.url) };
}
