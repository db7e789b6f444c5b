import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { REPO_ROOT, removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

describe('a TypeScript config in a project that installed devpush', () => {
  it("imports defineConfig from 'devpush' and is typed by it", async () => {
    const root = tempProject({
      'devpush.config.ts': [
        "import { defineConfig } from 'devpush';",
        "export default defineConfig({ server: { port: 4321 }, channel: { transports: ['sse', 'poll'] } });",
        '',
      ].join('\n'),
    });
    mkdirSync(path.join(root, 'node_modules'));
    symlinkSync(REPO_ROOT, path.join(root, 'node_modules', 'devpush'), 'dir');
    const config = await resolveConfig({ root });
    expect(config.server.port).toBe(4321);
    expect(config.channel.transports).toEqual(['sse', 'poll']);
  });
});
