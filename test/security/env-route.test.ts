import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { routePath } from '../../src/protocol.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';
import { rawGet } from '../helpers/raw.js';

// The env route (import.meta.env for modules) goes through the same Host/Origin rules as every route,
// and holds the public values only; the .env files stay refused, under every import query too.
const SECRET = 'db-password-9c1e';
let server: DevServer;

beforeAll(async () => {
  const root = tempProject({
    '.env': `VITE_API=https://api.example.test\nDATABASE_PASSWORD=${SECRET}\n`,
    'src/main.ts': "import env from '/.env?raw';\nconsole.log(env, import.meta.env.VITE_API);\n",
    'index.html': '<script type="module" src="/src/main.ts"></script>',
  });
  server = await createServer({ root, server: { port: 0 }, logLevel: 'silent' });
});
afterAll(async () => {
  await server.close();
  removeTempProjects();
});

describe('the env route', () => {
  test('serves the prefixed values and the fixed keys, never cached, nothing else', async () => {
    const response = await rawGet(server.port, routePath('env'));
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toContain('"VITE_API":"https://api.example.test"');
    expect(response.body).toContain('"MODE":"development"');
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toContain('DATABASE_PASSWORD');
  });

  test('is refused to a foreign Host (DNS rebinding) and to a cross-site embed', async () => {
    expect((await rawGet(server.port, routePath('env'), { Host: 'evil.example' })).status).toBe(403);
    const embed = await rawGet(server.port, routePath('env'), {
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'no-cors',
    });
    expect(embed.status).toBe(403);
  });

  test('a module importing /.env?raw gets no byte of it', async () => {
    const main = await rawGet(server.port, '/src/main.ts');
    expect(main.status).toBe(200);
    expect(main.body).not.toContain(SECRET);
    for (const target of ['/.env?raw&import', '/.env?url&import', '/.env?inline&import', '/.env?raw']) {
      const response = await rawGet(server.port, target);
      expect(response.status, target).toBe(403);
      expect(response.body, target).not.toContain(SECRET);
    }
  });
});
