import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/log.js';
import {
  HOT_RELOAD_EVENT,
  HOT_WARNING_EVENT,
  REPORT_MAX_BYTES,
  routePath,
  type PageReport,
} from '../../src/protocol.js';
import { startDevServer, type DevServer } from '../../src/server/server.js';
import { fetchToken } from '../helpers/channel.js';
import { requestText, sendRaw, type RawResponse } from '../helpers/raw.js';
import { expectNothingProtected, expectStillServes, hostileProject, PROTECTED } from './project.js';

// POST /__devpush/report is the one route that reads a body: every check of the rungs (Host, Origin,
// token), a body cap, limits per page, and nothing it carries is run, resolved as a path, or printed raw.

let project: ReturnType<typeof hostileProject>;
let server: DevServer;
let port: number;
let token: string;
const lines: string[] = [];

beforeAll(async () => {
  project = hostileProject();
  const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const config = await resolveConfig({
    root: project.root,
    server: { port: 0, fs: { allow: [path.join(project.root, '..', 'shared')], deny: ['secret.txt', 'private'] } },
  });
  server = await startDevServer(config, log);
  port = server.port;
  token = await fetchToken(`http://127.0.0.1:${port}/`);
});

afterAll(async () => {
  await server?.close();
  project?.remove();
});

function report(items: PageReport['items'], id = 'page1'): string {
  return JSON.stringify({ page: { id, url: `http://localhost:${port}/`, title: 't', role: 'solo' }, items });
}

function post(body: string, headers: Record<string, string | null> = {}, query = `t=${token}`): Promise<RawResponse> {
  const head = requestText(
    port,
    `${routePath('report')}?${query}`,
    {
      'Content-Type': 'text/plain;charset=UTF-8',
      'Content-Length': String(Buffer.byteLength(body)),
      ...headers,
    },
    'POST',
  );
  return sendRaw(port, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body, 'utf8')]));
}

async function expectRefused(response: RawResponse, status: number): Promise<void> {
  expect(response.status).toBe(status);
  expectNothingProtected(response);
  await expectStillServes(port);
}

const error = (message: string, stack = '') => ({
  type: 'error' as const,
  kind: 'error' as const,
  message,
  stack,
  count: 1,
});

describe('the report route refuses what the rungs refuse', () => {
  test('a foreign Host (DNS rebinding) gets 403', async () => {
    await expectRefused(await post(report([error('x')]), { Host: `evil.example:${port}` }), 403);
  });

  test.each(['https://evil.example', 'null', `http://127.0.0.1:${1}`])('Origin %s gets 403', async (origin) => {
    await expectRefused(await post(report([error('x')]), { Origin: origin }), 403);
  });

  test('no token or a wrong one gets 401, and nothing is printed', async () => {
    const before = lines.length;
    await expectRefused(await post(report([error('no-token')]), {}, ''), 401);
    await expectRefused(await post(report([error('bad-token')]), {}, 't=AAAAAAAAAAAAAAAAAAAAAAAA'), 401);
    expect(lines.slice(before).join('\n')).not.toContain('token');
  });

  test('GET gets 405; a form body type gets 415', async () => {
    const get = await sendRaw(port, requestText(port, `${routePath('report')}?t=${token}`));
    expect(get.status).toBe(405);
    await expectRefused(await post(report([]), { 'Content-Type': 'multipart/form-data; boundary=x' }), 415);
  });

  test('a body over the cap gets 413, announced or chunked', async () => {
    const big = 'x'.repeat(REPORT_MAX_BYTES + 10);
    await expectRefused(await post(big), 413);
    const head = requestText(
      port,
      `${routePath('report')}?t=${token}`,
      {
        'Content-Type': 'text/plain',
        'Transfer-Encoding': 'chunked',
      },
      'POST',
    );
    const chunk = 'y'.repeat(8000);
    const chunks = Array.from({ length: 4 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    await expectRefused(await sendRaw(port, `${head}${chunks}0\r\n\r\n`), 413);
  });

  test.each([
    ['not JSON', '{'],
    ['no page', JSON.stringify({ items: [] })],
    [
      'a page id with a path in it',
      JSON.stringify({ page: { id: '../x', url: '', title: '', role: 'solo' }, items: [] }),
    ],
    [
      'an unknown item',
      JSON.stringify({ page: { id: 'a', url: '', title: '', role: 'solo' }, items: [{ type: 'eval', code: '1' }] }),
    ],
    [
      'a count that is no number',
      JSON.stringify({ page: { id: 'a', url: '', title: '', role: 'solo' }, items: [{ ...error('m'), count: '9' }] }),
    ],
  ])('%s gets 400', async (_name, body) => {
    await expectRefused(await post(body), 400);
  });
});

describe('what a report carries is data', () => {
  test('stack frames naming secrets, dotfiles or paths outside are never read', async () => {
    const stack = [
      'Error: probe',
      `    at a (http://localhost:${port}/.env:1:1)`,
      `    at b (http://localhost:${port}/secret.txt:1:1)`,
      `    at c (http://localhost:${port}/%2e%2e/outside.txt:1:1)`,
      `    at d (http://localhost:${port}/env-link.txt:1:1)`,
      `    at e (file:///etc/passwd:1:1)`,
      `    at f (http://localhost:${port}/sibling/secret.html:1:1)`,
    ].join('\n');
    const response = await post(report([error('probe-secrets', stack)], 'secrets'));
    expect(response.status).toBe(204);
    await vi.waitFor(() => expect(lines.join('\n')).toContain('probe-secrets'), { timeout: 5000 });
    expect(lines.join('\n')).not.toContain(PROTECTED);
    expect(lines.join('\n')).not.toContain('root:');
  });

  test('terminal escape sequences are shown, never sent to the terminal', async () => {
    const response = await post(report([error('esc \u001b[2J\u001b]0;owned\u0007 \u202e end')], 'escapes'));
    expect(response.status).toBe(204);
    await vi.waitFor(() => expect(lines.join('\n')).toContain('esc \\x1b[2J'), { timeout: 5000 });
    expect(lines.join('\n')).not.toContain('\u001b[2J');
    expect(lines.join('\n')).not.toContain('\u202e');
  });

  test("a page's reload reason and warning reach the terminal with their escapes shown, never obeyed", async () => {
    for (const [event, key] of [
      [HOT_RELOAD_EVENT, 'reason'],
      [HOT_WARNING_EVENT, 'message'],
    ] as const) {
      const item = { type: 'event', event, data: { [key]: `${event} \u001b[2J\u001b]0;owned\u0007 \u202e end` } };
      const body = JSON.stringify({
        page: { id: `hot-${key}`, url: 'u\u001b[1A', title: 't', role: 'solo' },
        items: [item],
      });
      expect((await post(body)).status).toBe(204);
      await vi.waitFor(() => expect(lines.join('\n')).toContain(`${event} \\x1b[2J`), { timeout: 5000 });
    }
    expect(lines.join('\n')).toContain('u\\x1b[1A: devpush:warning');
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines.join('\n')).not.toContain('\u202e');
  });

  test('an event reaches server.on as plain data, prototype keys included as keys', async () => {
    const heard: unknown[] = [];
    server.on('probe:event', (data, sender) => void heard.push(data, sender.page.id));
    const body = `{"page":{"id":"events","url":"u","title":"t","role":"solo"},"items":[{"type":"event","event":"probe:event","data":{"__proto__":{"polluted":true},"n":1}}]}`;
    expect((await post(body)).status).toBe(204);
    expect(heard[1]).toBe('events');
    expect((heard[0] as { n: number }).n).toBe(1);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  test('a flood from one page is cut to a few printed errors; another page is still heard', async () => {
    const before = lines.length;
    const flood = Array.from({ length: 60 }, (_, i) =>
      post(
        report(
          Array.from({ length: 19 }, (_, j) => error(`flood ${i}-${j}`)),
          'flooder',
        ),
      ),
    );
    const statuses = (await Promise.all(flood)).map((response) => response.status);
    expect(statuses).toContain(429);
    const other = await post(report([error('from the quiet page')], 'quiet'));
    expect(other.status).toBe(204);
    await vi.waitFor(() => expect(lines.slice(before).join('\n')).toContain('from the quiet page'), { timeout: 5000 });
    await vi.waitFor(() => expect(lines.slice(before).join('\n')).toMatch(/more errors? from .* not shown/), {
      timeout: 5000,
    });
    const printed = lines.slice(before).filter((line) => line.includes('flood ')).length;
    expect(printed).toBeLessThanOrEqual(30);
    await expectStillServes(port);
  });
});
