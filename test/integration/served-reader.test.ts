// A browser's stack frame names the bytes it ran. The stack mapper must read those same bytes: with modules
// served one by one, the module (hot prelude + rewritten imports), never the bundle the builder would make
// of the same path, whose header comment shifts every line by one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Builder } from '../../src/bundle/builder.js';
import { resolveConfig } from '../../src/config/load.js';
import { createModules } from '../../src/modules/index.js';
import { servedReader } from '../../src/report/served.js';
import { StackMapper } from '../../src/report/trace.js';
import { FileAccess, parseTarget } from '../../src/server/paths.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

const EXPLODE = 'export function explode(when: string): never {\n  throw new Error(`boom ${when}`);\n}\n';
const closers: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  removeTempProjects();
});

async function parts(bundle: boolean) {
  const root = tempProject({ 'src/explode.ts': EXPLODE });
  const config = await resolveConfig({ root, server: { port: 0 }, build: { bundle } });
  const access = new FileAccess({ root, allow: [], deny: [] });
  const builder = new Builder({
    root,
    settings: config.build,
    resolveFile: async (urlPath) => {
      const found = await access.resolve(urlPath);
      return 'file' in found ? found.file : null;
    },
  });
  closers.push(() => builder.close());
  const modules = bundle
    ? null
    : createModules(
        config,
        access,
        () => {},
        () => {},
      );
  return { builder, access, modules };
}

/** Where `new Error` is in code as a browser counts it: 1-based line and column. */
function throwSite(code: string): { line: number; column: number } {
  const lines = code.split('\n');
  const index = lines.findIndex((line) => line.includes('new Error'));
  return { line: index + 1, column: lines[index]!.indexOf('new Error') + 1 };
}

function mapperFor(read: ReturnType<typeof servedReader>): StackMapper {
  return new StackMapper(read, () => true);
}

describe('the stack mapper reads what the browser ran', () => {
  it('modules one by one: a frame of a versioned module URL maps to the TypeScript line and column', async () => {
    const { builder, access, modules } = await parts(false);
    // The browser's bytes come over real HTTP from the module responder, as a page would fetch them.
    const http: Server = createServer((req, res) => {
      const target = parseTarget(req.url ?? '/');
      if ('status' in target) res.writeHead(400).end();
      else void modules!.responder.respond(req, res, target);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => http.close(resolve)));
    const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const first = await fetch(`${origin}/src/explode.ts`);
    const version = first.headers.get('etag')!.replaceAll('"', '');
    const ran = await (await fetch(`${origin}/src/explode.ts?v=${version}`)).text();

    const read = servedReader(builder, access, modules!.responder);
    expect(await read(`/src/explode.ts?v=${version}`)).toBe(ran);
    const site = throwSite(ran);
    const mapped = await mapperFor(read).map({ fn: 'explode', url: `${origin}/src/explode.ts?v=${version}`, ...site });
    expect(mapped).toMatchObject({ file: 'src/explode.ts', line: 2, column: 9 });
  });

  it('bundled: a frame of the bundle maps to the same place', async () => {
    const { builder, access } = await parts(true);
    const bundle = await builder.output('/src/explode.ts');
    expect(bundle).not.toBeNull();
    const site = throwSite(Buffer.from(bundle!.body()).toString('utf8'));
    const mapped = await mapperFor(servedReader(builder, access, null)).map({
      fn: 'explode',
      url: 'http://127.0.0.1:1/src/explode.ts',
      ...site,
    });
    expect(mapped).toMatchObject({ file: 'src/explode.ts', line: 2, column: 9 });
  });
});
