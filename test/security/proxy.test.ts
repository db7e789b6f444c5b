import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DevServer } from '../../src/index.js';
import { startBackend, type Backend } from '../helpers/backend.js';
import { rawGet, requestText, sendRaw, upgradeText } from '../helpers/raw.js';
import { hostileProject, PROTECTED, startHostile } from './project.js';

// Proxy mode and server.proxy rules add routes: every path devpush does not answer itself, and the
// upgrades it passes on. They keep the rules of every other route: a rebinding Host or a foreign page
// never reaches the backend, and the folder's secrets are not served on the way. Build outputs and
// modules get CORS for allowed (localhost, configured) origins only: never `*`, never a foreign one.

const SNIPPET_ORIGIN = 'http://snippet.test:8000';
let project: ReturnType<typeof hostileProject>;
let backend: Backend;
let server: DevServer;
let port: number;

beforeAll(async () => {
  project = hostileProject();
  backend = await startBackend(project.root);
  server = await startHostile(project.root, {
    backend: backend.url,
    proxy: { '/api': backend.url, '/cable-rule': { target: backend.url, ws: true, rewrite: () => '/cable' } },
    cors: { origins: [SNIPPET_ORIGIN] },
  });
  port = server.port;
  await server.watching;
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
  project?.remove();
});

/** Whether the backend saw a request for `url` since `from`. */
const reached = (url: string, from: number) => backend.seen.slice(from).some((r) => r.url === url);

describe('forwarded requests keep the Host and Origin rules', () => {
  test.each(['/page', '/api/users'])(
    'a rebinding Host for %s is refused before the backend sees it',
    async (target) => {
      const from = backend.seen.length;
      const response = await rawGet(port, target, { Host: `evil.example:${port}` });
      expect(response.status).toBe(403);
      expect(reached(target, from)).toBe(false);
    },
  );

  test.each(['/echo', '/api/echo'])('a foreign page cannot POST to %s through devpush', async (target) => {
    const from = backend.seen.length;
    const response = await sendRaw(
      port,
      `${requestText(port, target, { Origin: 'https://evil.example', 'Content-Length': '3' }, 'POST')}a=1`,
    );
    expect(response.status).toBe(403);
    expect(reached(target, from)).toBe(false);
  });

  test('a cross-site page cannot embed forwarded responses with <script> or <img>', async () => {
    const response = await rawGet(port, '/data.json', { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' });
    expect(response.status).toBe(403);
  });

  test.each(['/cable', '/cable-rule'])(
    'a WebSocket to %s from a foreign page or a rebinding Host is refused',
    async (target) => {
      const hostile: Record<string, string>[] = [{ Origin: 'https://evil.example' }, { Host: `evil.example:${port}` }];
      for (const headers of hostile) {
        const response = await sendRaw(port, upgradeText(port, target, headers));
        expect(response.status).toBe(403);
        expect(response.raw.toString('latin1')).not.toMatch(/^HTTP\/1\.1 101/);
      }
    },
  );

  test('a bad request target is refused, never forwarded', async () => {
    const from = backend.seen.length;
    const response = await sendRaw(port, requestText(port, '/a/%00/b'));
    expect(response.status).toBe(400);
    expect(backend.seen.length).toBe(from);
  });
});

describe("the folder's secrets stay put in proxy mode", () => {
  test.each(['/.env', '/server.key', '/sibling/entry.ts', '/src/../../outside.txt', '/secret.txt'])(
    '%s is not served from the folder',
    async (target) => {
      const response = await rawGet(port, target);
      expect(response.raw.toString('latin1')).not.toContain(PROTECTED);
    },
  );
});

describe('CORS on build outputs for snippet pages', () => {
  test('an allowed origin (a localhost page, or a configured one) may load an entry, named exactly', async () => {
    for (const origin of ['http://localhost:8000', SNIPPET_ORIGIN]) {
      const response = await rawGet(port, '/src/main.ts', {
        Origin: origin,
        'Sec-Fetch-Mode': 'cors',
        'Sec-Fetch-Site': 'cross-site',
      });
      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      expect(response.headers.vary).toBe('Origin');
    }
  });

  test('a foreign or IP-literal origin gets no CORS and no entry', async () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:8000', 'null']) {
      const response = await rawGet(port, '/src/main.ts', { Origin: origin });
      expect(response.status).toBe(403);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('a same-origin request gets no CORS header, and no response says *', async () => {
    const response = await rawGet(port, '/src/main.ts');
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.raw.toString('latin1')).not.toMatch(/access-control-allow-origin:\s*\*/i);
  });
});
