import { networkInterfaces } from 'node:os';
import { describe, expect, test } from 'vitest';
import { peerOf } from '../../src/server/connections.js';
import { exposureWarning, isLoopbackHost, reachableUrls } from '../../src/server/exposure.js';
import { Guard } from '../../src/server/guard.js';
import { parseTarget } from '../../src/server/paths.js';

const external = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .filter((entry) => !entry.internal && entry.family === 'IPv4')
  .map((entry) => entry.address);

describe('the --host warning', () => {
  test.each(['localhost', '127.0.0.1', '127.0.0.2', '::1', '[::1]', 'app.localhost'])(
    '%s stays on this machine: no warning',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
      expect(exposureWarning(host, 4800, '/home/me/site')).toBeNull();
    },
  );

  test('a named address: the warning names its URL, the folder, and how to go back', () => {
    const warning = exposureWarning('192.168.1.5', 4800, '/home/me/site');
    expect(warning).toContain('http://192.168.1.5:4800/');
    expect(warning).toContain('/home/me/site');
    expect(warning).toContain('--host');
  });

  test('0.0.0.0: every external IPv4 address of this machine is named', () => {
    expect(reachableUrls('0.0.0.0', 4800)).toEqual(external.map((address) => `http://${address}:4800/`));
    const warning = exposureWarning('0.0.0.0', 4800, '/srv/site')!;
    for (const address of external) expect(warning).toContain(`http://${address}:4800/`);
  });

  test('an IPv6 address is bracketed in its URL', () => {
    expect(reachableUrls('fd00::5', 80)).toEqual(['http://[fd00::5]:80/']);
  });
});

describe('Host rules when bound to every interface', () => {
  const guard = (boundHost: string) =>
    new Guard({ boundHost, allowedHosts: ['.example.test'], corsOrigins: [], token: 't' });

  test("the machine's own addresses are accepted as Host; other addresses and names are not", () => {
    for (const address of external) expect(guard('0.0.0.0').hostAllowed(`${address}:4800`)).toBe(true);
    expect(guard('0.0.0.0').hostAllowed('203.0.113.9:4800')).toBe(false);
    expect(guard('0.0.0.0').hostAllowed('evil.example')).toBe(false);
    expect(guard('localhost').hostAllowed(`${external[0] ?? '203.0.113.9'}:4800`)).toBe(false);
  });

  test('a leading-dot allowedHosts entry admits the name and its subdomains only', () => {
    expect(guard('localhost').hostAllowed('example.test')).toBe(true);
    expect(guard('localhost').hostAllowed('a.b.example.test:1')).toBe(true);
    expect(guard('localhost').hostAllowed('badexample.test')).toBe(false);
    expect(guard('localhost').hostAllowed('example.test.evil.example')).toBe(false);
  });
});

describe('parseTarget', () => {
  test('decodes once, collapses slashes, keeps the raw path for redirects', () => {
    const target = parseTarget('//a%20b//c%252e?x=1');
    expect(target).toMatchObject({ pathname: '/a b/c%2e', rawPath: '/a%20b/c%252e' });
    expect('url' in target && target.url.searchParams.get('x')).toBe('1');
  });

  test.each(['/a/../b', '/%2e%2e', '/a%5cb', '/a%00', '/a#b', 'http://x/a', '*', '/%c0%ae'])('refuses %s', (raw) => {
    expect(parseTarget(raw)).toMatchObject({ status: 400 });
  });
});

describe('whom a connection counts against', () => {
  test.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:192.168.1.9', '192.168.1.9'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0:0:0:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (address, peer) => {
    expect(peerOf(address)).toBe(peer);
  });
});
