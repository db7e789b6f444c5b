import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { ChannelClient } from '../../src/channel/hub.js';
import { parseArgs } from '../../src/cli/args.js';
import { serverUrls } from '../../src/cli/banner.js';
import { colorEnabled, createLogger } from '../../src/log.js';
import { RateLimiter } from '../../src/report/rate-limit.js';
import { parseStack } from '../../src/report/stack.js';
import { terminalSafe } from '../../src/report/terminal-text.js';
import { codeFrame } from '../../src/report/trace.js';
import { ClientDirectory } from '../../src/status/clients.js';
import { shortBrowser } from '../../src/status/user-agent.js';
import { Volume } from '../../src/status/volume.js';

describe('command line', () => {
  test('the first word is a command only when it names one; bare devpush [dir] serves', () => {
    expect(parseArgs(['serve', 'site', '--port', '1'])).toEqual({
      command: 'serve',
      positionals: ['site'],
      flags: { port: '1' },
    });
    expect(parseArgs(['site', '--open'])).toEqual({ command: null, positionals: ['site'], flags: { open: true } });
    expect(parseArgs(['--port=2', 'snippet']).command).toBe('snippet');
  });

  test('bare --host is every interface, also before another flag; a value is taken when given', () => {
    expect(parseArgs(['--host']).flags.host).toBe('0.0.0.0');
    expect(parseArgs(['--host', '--port', '3']).flags).toEqual({ host: '0.0.0.0', port: '3' });
    expect(parseArgs(['--host', '::']).flags.host).toBe('::');
  });

  test('mistakes are one line with a did-you-mean and a pointer to the help', () => {
    expect(() => parseArgs(['--opne'])).toThrow(
      'devpush: unknown option --opne. Did you mean --open?\nRun "devpush help serve" for usage.',
    );
    expect(() => parseArgs(['-x'])).toThrow('unknown option -x.');
    expect(() => parseArgs(['snippet', '--strict-port'])).toThrow('--strict-port is not an option of snippet.');
  });
});

describe('URLs that answer', () => {
  test('loopback, a named address, IPv6 in brackets, never the wildcard', () => {
    expect(serverUrls('localhost', 80)).toEqual({ local: ['http://localhost:80/'], network: [] });
    expect(serverUrls('::1', 80)).toEqual({ local: ['http://[::1]:80/'], network: [] });
    expect(serverUrls('fd00::5', 80)).toEqual({ local: [], network: ['http://[fd00::5]:80/'] });
    const wildcard = serverUrls('0.0.0.0', 80);
    expect(wildcard.local).toEqual(['http://localhost:80/']);
    expect(wildcard.network.join()).not.toContain('0.0.0.0');
  });
});

describe('colour and levels', () => {
  test('NO_COLOR wins, FORCE_COLOR forces, otherwise a terminal only', () => {
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  test('a level hides what is below it', () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const log = createLogger('warn', out, err);
    log.info('hidden');
    log.warn('shown');
    expect(out.read()).toBeNull();
    expect(String(err.read())).toBe('warning: shown\n');
  });
});

describe('browser errors', () => {
  test('V8 and Firefox frames', () => {
    const stack =
      'Error: x\n    at f (http://h:1/a.js:3:7)\n    at http://h:1/b.js:4:1\n    at async g (http://h:1/c.js:5:2)\nh@http://h:1/d.js:6:3';
    expect(parseStack(stack)).toEqual([
      { fn: 'f', url: 'http://h:1/a.js', line: 3, column: 7 },
      { fn: null, url: 'http://h:1/b.js', line: 4, column: 1 },
      { fn: 'g', url: 'http://h:1/c.js', line: 5, column: 2 },
      { fn: 'h', url: 'http://h:1/d.js', line: 6, column: 3 },
    ]);
  });

  test('controls are shown, never obeyed; newlines kept', () => {
    expect(terminalSafe('a\u001b[31mb\nc\u202e')).toBe('a\\x1b[31mb\nc\\u202e');
  });

  test('a code frame marks the line and the column', () => {
    expect(codeFrame('one\ntwo\nthree', 2, 2)).toBe('  1 | one\n> 2 | two\n    |  ^\n  3 | three');
  });

  test('rate limits refill with time and forget old keys', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 1, 2, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false]);
    now = 1000;
    expect(limiter.take('a')).toBe(true);
    limiter.take('b');
    limiter.take('c');
    expect(limiter.take('a')).toBe(true); // forgotten, so full again
  });
});

describe('who is connected', () => {
  const client = (page: string | null): ChannelClient => ({
    transport: 'sse',
    peer: '127.0.0.1',
    send: () => 0,
    close: () => {},
    identity: { page, userAgent: 'Mozilla/5.0 Firefox/133.0', protocol: 'h1' },
  });

  test('connections join their page; a page without one stays while heard from, then goes', () => {
    let now = 1000;
    const volume = new Volume(60, () => now);
    const directory = new ClientDirectory(volume, 5000, () => now);
    const first = client('p1');
    directory.attached(first, 'new');
    directory.presence({ id: 'p1', url: 'http://localhost/', title: 'Home', role: 'leader' }, 'ua');
    directory.delivered(first, 'hello', 40);
    directory.detached(first);
    const again = client('p1');
    directory.attached(again, 'reconnect');
    directory.resumed(again);
    expect(directory.list().clients).toEqual([
      expect.objectContaining({
        id: 'p1',
        title: 'Home',
        browser: 'Firefox 133',
        rung: 'sse',
        role: 'leader',
        messages: 1,
        bytes: 40,
        resumes: 1,
        connected: true,
      }),
    ]);
    directory.detached(again);
    now += 6000;
    expect(directory.list().clients).toEqual([]);
    expect(volume.list().some((minute) => minute.messages.hello === 1)).toBe(true);
  });

  test('a client without a page id is its own entry and leaves with its connection; a closed page leaves at once', () => {
    const directory = new ClientDirectory(new Volume(), 60_000);
    const anonymous = client(null);
    directory.attached(anonymous, 'new');
    expect(directory.list().clients).toHaveLength(1);
    directory.detached(anonymous);
    expect(directory.list().clients).toHaveLength(0);
    directory.presence({ id: 'p2', url: 'u', title: 't', role: 'follower' }, 'ua');
    directory.closed('p2');
    expect(directory.list().clients).toHaveLength(0);
  });

  test('short browser names', () => {
    const chrome =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    expect(shortBrowser(chrome)).toBe('Chrome 131');
    expect(shortBrowser(`${chrome} Edg/131.0.0.0`)).toBe('Edge 131');
    expect(
      shortBrowser('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'),
    ).toBe('Safari 17');
    expect(shortBrowser('')).toBe('unknown');
  });
});
