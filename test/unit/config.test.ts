import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('config validation', () => {
  it('names file, key, expectation and what was found for a wrong type', async () => {
    const root = tempProject({ 'devpush.config.json': JSON.stringify({ server: { port: 'eighty' } }) });
    expect(await errorOf(resolveConfig({ root }))).toBe(
      'devpush.config.json: "server.port" must be a whole number from 0 to 65535, found "eighty" (a string).',
    );
  });

  it('suggests the nearest key for an unknown one', async () => {
    const root = tempProject({ 'devpush.config.json': JSON.stringify({ server: { prot: 3000 } }) });
    const message = await errorOf(resolveConfig({ root }));
    expect(message).toContain('devpush.config.json: unknown key "server.prot". Did you mean "server.port"?');
  });

  it('suggests top-level keys too', async () => {
    const root = tempProject({ 'devpush.config.json': JSON.stringify({ wacth: {} }) });
    expect(await errorOf(resolveConfig({ root }))).toContain('unknown key "wacth". Did you mean "watch"?');
  });

  it('refuses unknown rung names', async () => {
    const root = tempProject({
      'devpush.config.json': JSON.stringify({ channel: { transports: ['sse', 'carrier-pigeon'] } }),
    });
    expect(await errorOf(resolveConfig({ root }))).toBe(
      'devpush.config.json: "channel.transports" must be a non-empty array of rung names ("websocket", "sse", "stream", "poll"), found "carrier-pigeon", which is no rung.',
    );
    expect(
      await errorOf(resolveConfig({ root, configFile: false, channel: { transports: ['websockets'] as never } })),
    ).toMatch(/found "websockets", which is no rung \(did you mean "websocket"\?\)\.$/);
    expect(
      await errorOf(resolveConfig({ root, configFile: false, channel: { transports: ['sse', 'poll', 'sse'] } })),
    ).toMatch(/found "sse" twice\.$/);
  });

  it('reports a config file that throws, without a stack', async () => {
    const root = tempProject({ 'devpush.config.mjs': 'throw new Error("boom from config");' });
    const message = await errorOf(resolveConfig({ root }));
    expect(message).toBe('devpush.config.mjs: loading it failed: boom from config');
  });

  it('reports a config that does not export an object', async () => {
    const root = tempProject({ 'devpush.config.mjs': 'export default 42;' });
    expect(await errorOf(resolveConfig({ root }))).toBe(
      'devpush.config.mjs: must export an object (export default defineConfig({ ... })), found 42 (a number).',
    );
  });

  it('reports a missing --config file', async () => {
    const root = tempProject();
    const message = await errorOf(resolveConfig({ root, configFile: path.join(root, 'nope.ts') }));
    expect(message).toContain('Config file not found:');
    expect(message).toContain('nope.ts');
  });

  it('bundles and imports a TypeScript config, and leaves no temp file behind', async () => {
    const root = tempProject({
      'devpush.config.ts': `import { port } from './port.js';\nconst config: { server: { port: number } } = { server: { port } };\nexport default config;\n`,
      'port.ts': 'export const port: number = 5123;\n',
    });
    const config = await resolveConfig({ root });
    expect(config.server.port).toBe(5123);
    expect(config.configFile).toBe(path.join(root, 'devpush.config.ts'));
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(root).sort()).toEqual(['devpush.config.ts', 'port.ts']);
  });

  it('lets inline options (CLI flags) win over the file and fills defaults', async () => {
    const root = tempProject({ 'devpush.config.json': JSON.stringify({ server: { port: 5000, strictPort: true } }) });
    const config = await resolveConfig({ root, server: { port: 6000 } });
    expect(config.server).toMatchObject({ port: 6000, strictPort: true, host: 'localhost' });
    expect(config.channel.transports).toEqual(['websocket', 'sse', 'stream', 'poll']);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports invalid JSON with the file name', async () => {
    const root = tempProject();
    writeFileSync(path.join(root, 'devpush.config.json'), '{ "server": ');
    expect(await errorOf(resolveConfig({ root }))).toMatch(/^devpush.config.json: not valid JSON: /);
  });
});
