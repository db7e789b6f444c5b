import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { readViteConfig } from '../../src/config/vite.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

const REACT_TEMPLATE_CONFIG = `import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { fileURLToPath, URL } from 'node:url'

// https://vite.dev/config/
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, proxy: { '/api': 'http://localhost:3000' } },
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: { __APP_VERSION__: JSON.stringify('1.2.3'), __FLAG__: true },
  envPrefix: ['VITE_', 'APP_'],
  build: { outDir: 'dist' },
})
`;

describe('vite.config.* in a project without a devpush config', () => {
  it('applies the keys devpush understands and names the rest, plugins first, without Vite installed', async () => {
    const root = tempProject({ 'vite.config.ts': REACT_TEMPLATE_CONFIG, 'src/main.ts': '' });
    const config = await resolveConfig({ root });
    expect(config.server.port).toBe(5173);
    expect(config.build.alias).toEqual({ '@': path.join(root, 'src') });
    expect(config.build.define).toMatchObject({ __APP_VERSION__: '"1.2.3"', __FLAG__: 'true' });
    expect(config.envPrefix).toEqual(['VITE_', 'APP_']);
    expect(config.notices).toHaveLength(1);
    expect(config.notices[0]).toMatch(
      /^vite\.config\.ts: using server\.port, server\.proxy, resolve\.alias, define, envPrefix; ignoring plugins \(react\), /,
    );
    expect(config.notices[0]).toMatch(/\bbuild\b/);
  });

  it('flags win over it, and a devpush config replaces it entirely', async () => {
    const root = tempProject({ 'vite.config.ts': REACT_TEMPLATE_CONFIG });
    expect((await resolveConfig({ root, server: { port: 4900 } })).server.port).toBe(4900);
    const both = tempProject({ 'vite.config.ts': REACT_TEMPLATE_CONFIG, 'devpush.config.json': '{}' });
    const config = await resolveConfig({ root: both });
    expect(config.server.port).toBe(4800);
    expect(config.notices).toEqual([]);
  });

  it('a config exported as a function is called as for `vite serve`', async () => {
    const root = tempProject({
      'vite.config.mjs': `export default ({ command, mode }) => ({ server: { port: command === 'serve' && mode === 'development' ? 5174 : 1 } });`,
    });
    expect((await resolveConfig({ root })).server.port).toBe(5174);
  });

  it('a config that throws or has a syntax error never stops start-up: one notice says why', async () => {
    const throws = tempProject({ 'vite.config.js': `throw new Error('needs a database');` });
    const broken = tempProject({ 'vite.config.ts': `export default {{` });
    for (const root of [throws, broken]) {
      const config = await resolveConfig({ root });
      expect(config.server.port).toBe(4800);
      expect(config.notices[0]).toMatch(/^vite\.config\.(js|ts): could not be read \(.+\); serving without it\.$/);
    }
    const wrong = await readViteConfig(
      tempProject({ 'vite.config.mjs': `export default { server: { port: 'eighty' }, base: '/app/' };` }).concat(
        '/vite.config.mjs',
      ),
    );
    expect(wrong.config).toEqual({});
    expect(wrong.notice).toBe('vite.config.mjs: using nothing; ignoring server.port, base.');
  });

  it('reads css.modules: localsConvention and generateScopedName (a pattern or a function), and names the rest', async () => {
    const root = tempProject({
      'vite.config.ts': `import { defineConfig } from 'vite';
export default defineConfig({
  css: {
    modules: {
      localsConvention: 'camelCaseOnly',
      generateScopedName: (name: string) => 'x-' + name,
      getJSON() {},
    },
    devSourcemap: true,
  },
});
`,
    });
    const config = await resolveConfig({ root });
    expect(config.css.modules?.localsConvention).toBe('camelCaseOnly');
    const generate = config.css.modules?.generateScopedName as (name: string, file: string, css: string) => string;
    expect(generate('card', 'a.module.css', '')).toBe('x-card');
    expect(config.notices[0]).toBe(
      'vite.config.ts: using css.modules.localsConvention, css.modules.generateScopedName; ignoring css.modules.getJSON, css.devSourcemap.',
    );
    const off = tempProject({ 'vite.config.mjs': 'export default { css: { modules: false } };' });
    expect((await resolveConfig({ root: off })).css.modules).toBeNull();
    const pattern = tempProject({
      'vite.config.mjs':
        "export default { css: { modules: { generateScopedName: '[name]__[local]___[hash:base64:5]' } } };",
    });
    expect((await resolveConfig({ root: pattern })).css.modules).toEqual({
      generateScopedName: '[name]__[local]___[hash:base64:5]',
      localsConvention: 'camelCase',
    });
  });

  it('css.modules in a devpush.config.ts: a generateScopedName function and a convention apply', async () => {
    const root = tempProject({
      'devpush.config.ts': `export default {
  css: { modules: { localsConvention: 'dashesOnly', generateScopedName: (name: string) => 'dp-' + name } },
};
`,
    });
    const config = await resolveConfig({ root });
    expect(config.css.modules?.localsConvention).toBe('dashesOnly');
    const generate = config.css.modules?.generateScopedName as (name: string, file: string, css: string) => string;
    expect(generate('card', 'a.module.css', '')).toBe('dp-card');
  });

  it('css.modules in a devpush config: a wrong key is one line naming it', async () => {
    const root = tempProject({
      'devpush.config.json': JSON.stringify({ css: { modules: { localConvention: 'camelCase' } } }),
    });
    await expect(resolveConfig({ root })).rejects.toThrow(
      /devpush\.config\.json: "css\.modules" must be false or an object of .*, found an unknown key "localConvention" \(did you mean "localsConvention"\?\)\./,
    );
  });
});
