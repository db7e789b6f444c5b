import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

/** The message resolveConfig fails with for a devpush.config.json holding `server`. */
async function serverConfigError(server: unknown): Promise<string> {
  const root = tempProject({ 'devpush.config.json': JSON.stringify({ server }) });
  return resolveConfig({ root }).then(
    () => 'no error',
    (error: Error) => error.message,
  );
}

describe('security settings are opened up explicitly, never with a wildcard', () => {
  it.each([['*'], ['http://*.example.test'], ['http://example.test/'], ['example.test'], [''], ['null']])(
    'server.cors.origins refuses %j',
    async (origin) => {
      expect(await serverConfigError({ cors: { origins: [origin] } })).toMatch(
        /^devpush\.config\.json: "server\.cors\.origins" must be an array of origins such as "http:\/\/localhost:8000" \(scheme, host and port; "\*" is not allowed\), found /,
      );
    },
  );

  it.each([['*'], ['*.example.test'], ['example.test:8080'], ['http://example.test'], ['']])(
    'server.allowedHosts refuses %j',
    async (host) => {
      expect(await serverConfigError({ allowedHosts: [host] })).toMatch(
        /^devpush\.config\.json: "server\.allowedHosts" must be an array of host names such as "myapp\.test" or "\.myapp\.test" \(no port, no "\*"\), found /,
      );
    },
  );

  it('accepts exact origins, names, subdomain wildcards by leading dot, and addresses', async () => {
    expect(
      await serverConfigError({
        cors: { origins: ['http://myapp.test:8000', 'https://myapp.test'] },
        allowedHosts: ['myapp.test', '.myapp.test', '192.168.1.5', 'fd00::5'],
      }),
    ).toBe('no error');
  });

  it('connection caps must be whole numbers of at least 1', async () => {
    expect(await serverConfigError({ maxConnectionsPerPeer: 0 })).toBe(
      'devpush.config.json: "server.maxConnectionsPerPeer" must be a whole number from 1 to 100000, found 0 (a number).',
    );
  });
});
