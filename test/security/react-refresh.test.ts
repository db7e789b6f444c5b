import os from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { copyAppFixture } from '../helpers/app-fixture.js';
import { removeTempProjects } from '../helpers/fixture.js';
import { rawGet } from '../helpers/raw.js';
import { expectNothingProtected, expectStillServes, hostileProject, startHostile } from './project.js';

// The React Refresh glue route (`/__devpush/react-refresh.js`) and the modules of the refresh step go
// through the same Host guard and path rules as every route; they name no path of the machine.

const GLUE = '/__devpush/react-refresh.js';

let react: DevServer;
let reactRoot: string;
let hostile: ReturnType<typeof hostileProject>;
let plain: DevServer;

beforeAll(async () => {
  reactRoot = copyAppFixture('react-app');
  react = await createServer({ root: reactRoot, server: { port: 0 }, logLevel: 'silent' });
  hostile = hostileProject();
  plain = await startHostile(hostile.root);
}, 60_000);

afterAll(async () => {
  await react?.close();
  await plain?.close();
  hostile?.remove();
  removeTempProjects();
});

describe('the React Refresh glue route', () => {
  test('serves the glue pointed at the pre-bundled runtime, and refuses a foreign Host', async () => {
    const ok = await rawGet(react.port, GLUE);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/from "\/__devpush\/deps\/react-refresh\/runtime\.js\?v=\w+"/);
    const rebound = await rawGet(react.port, GLUE, { Host: 'evil.example' });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('injectIntoGlobalHook');
  });

  test.each([
    [`${GLUE}/../../.env`, 400, 'dot-dot after the glue'],
    [`${GLUE}%2f..%2f..%2f.env`, 400, 'encoded dot-dot after the glue'],
  ])('%s → %i (%s)', async (target, status) => {
    const response = await rawGet(plain.port, target);
    expect(response.status).toBe(status);
    expectNothingProtected(response);
    await expectStillServes(plain.port);
  });

  test('is a 404 that says what to do in a project without react-refresh', async () => {
    const response = await rawGet(plain.port, GLUE);
    expect(response.status).toBe(404);
    expect(response.body).toContain('npm i -D react-refresh');
    expectNothingProtected(response);
  });

  test('a refreshed module and its source map name no path of the machine', async () => {
    const response = await rawGet(react.port, '/src/App.tsx');
    expect(response.status).toBe(200);
    expect(response.body).toContain('$RefreshReg$');
    const map = /sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/.exec(response.body)?.[1] ?? '';
    const text = response.body + Buffer.from(map, 'base64').toString('utf8');
    for (const machinePath of [reactRoot, os.tmpdir(), os.homedir()]) expect(text).not.toContain(machinePath);
  });
});
