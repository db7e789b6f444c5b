import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { UserConfig } from '../../src/config/types.js';
import { cssStep } from '../../src/modules/css-step.js';
import { inlineStep } from '../../src/modules/query-steps.js';
import type { ModuleInput, StepContext } from '../../src/modules/steps.js';
import { copyFixture, removeTempProjects } from '../helpers/fixture.js';

afterAll(removeTempProjects);

const HOT = '/__devpush/hot.js?v=test';

async function transform(root: string, url: string, css?: UserConfig['css']): Promise<ModuleInput> {
  const config = await resolveConfig({ root, css });
  const context: StepContext = { root, config, hotUrl: HOT, hasPackage: () => false, noticeOnce: () => {} };
  const file = path.join(root, url);
  const input: ModuleInput = { file, url, code: readFileSync(file, 'utf8'), lang: 'css' };
  expect(cssStep.applies(input, context)).toBe(true);
  const output = await cssStep.transform(input, context);
  if (!output) throw new Error('the css step returned nothing');
  return output;
}

/** The class names a CSS module exports (its default object). */
function classesOf(code: string): Record<string, string> {
  return JSON.parse(/const __devpush_classes = (\{.*\});/.exec(code)?.[1] ?? '{}') as Record<string, string>;
}

/** Runs a CSS module's code as a module of its own, its hot runtime imports and import.meta.hot stubbed. */
async function run(code: string): Promise<Record<string, unknown>> {
  const runnable = code
    .replace(/^import .*$/m, 'const __devpush_updateStyle = () => {}, __devpush_removeStyle = () => {};')
    .replaceAll('import.meta.hot', 'undefined');
  return (await import(`data:text/javascript,${encodeURIComponent(runnable)}`)) as Record<string, unknown>;
}

/** The CSS text the module hands to updateStyle. */
function styleOf(code: string): string {
  const match = /__devpush_updateStyle\(__devpush_id, ("(?:[^"\\]|\\.)*")\);/.exec(code);
  return match ? (JSON.parse(match[1]!) as string) : '';
}

describe('CSS step on the css-imports fixture', () => {
  const root = copyFixture('css-imports');

  it('turns a stylesheet into a module that owns a <style> and accepts its own updates', async () => {
    const output = await transform(root, '/src/hero.css');
    expect(output.lang).toBe('js');
    expect(output.code).toContain(`from ${JSON.stringify(HOT)};`);
    expect(output.code).toContain('const __devpush_id = "/src/hero.css";');
    expect(output.code).toContain('import.meta.hot.accept();');
    expect(output.code).toContain('import.meta.hot.prune(() => __devpush_removeStyle(__devpush_id));');
    expect(output.code).not.toContain('export default');
  });

  it('inlines @import, keeps nesting for the target, rebases url() to the root, and names the @imported file as an input', async () => {
    const output = await transform(root, '/src/hero.css');
    const css = styleOf(output.code);
    expect(css.indexOf('margin: 0')).toBeLessThan(css.indexOf('.hero'));
    expect(css).toContain('url(/src/img/dot.svg)');
    expect(css).toContain('url(https://example.com/a.png)');
    expect(css).toMatch(/& \.title\s*\{\s*color: rgb\(1, 2, 3\);/);
    expect(css).not.toContain('/* src/');
    expect(output.inputs).toEqual([path.join(root, 'src/base.css')]);
  });

  it('gives a CSS module its class names: a default object and named exports, even for non-identifiers', async () => {
    const output = await transform(root, '/src/card.module.css');
    const classes = classesOf(output.code);
    expect(classes.card).toMatch(/card/);
    // `composes` lists the composed class too.
    expect(classes['card-title']?.split(' ')).toEqual(expect.arrayContaining([classes.card]));
    expect(output.code).toContain('export default classes;');
    expect(output.code).toMatch(/as "card-title"/);
    // "default" is the object itself, never a class name export.
    expect(output.code).not.toMatch(/as "default"/);
    expect(styleOf(output.code)).toContain(`.${classes.card} {`);
    // Same class names after a save: only the style changes; new names go to the importers.
    expect(output.code).toContain('import.meta.hot.invalidate("its class names changed")');
  });

  it('runs in a browser-like module: named exports resolve to the class names', async () => {
    const output = await transform(root, '/src/card.module.css');
    const module = await run(output.code);
    expect(module['card-title']).toBe((module.default as Record<string, string>)['card-title']);
    expect(module.card).toBe((module.default as Record<string, string>).card);
  });

  it('gives a stylesheet with nothing to inline or rebase the same text as the bundle would, with no inputs', async () => {
    const project = copyFixture('css-imports');
    const { writeFileSync } = await import('node:fs');
    const rules =
      '.plain {\n  color: rgb(4, 5, 6);\n  & .inner { margin: 0 }\n}\n@media (width >= 600px) { .plain { color: red } }\n';
    writeFileSync(path.join(project, 'src/plain.css'), rules);
    // The comment's `url(` sends the second file down the bundling path; esbuild drops the comment.
    writeFileSync(path.join(project, 'src/bundled.css'), `/* url( */\n${rules}`);
    const plain = await transform(project, '/src/plain.css');
    const bundled = await transform(project, '/src/bundled.css');
    expect(styleOf(plain.code)).toBe(styleOf(bundled.code));
    expect(styleOf(plain.code)).toContain('color: rgb(4, 5, 6);');
    expect(plain.inputs).toEqual([]);
  });

  it('reports a broken stylesheet as esbuild errors (file, line, column), the shape the module server reports', async () => {
    const broken = copyFixture('css-imports');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      path.join(broken, 'src/hero.css'),
      '/* broken */\n@import "./missing.css";\n.a {\n  color: red;\n}\n',
    );
    const error = (await transform(broken, '/src/hero.css').catch((e: unknown) => e)) as {
      errors?: Array<{ text: string; location: { file: string; line: number; column: number } | null }>;
    };
    expect(error.errors?.[0]?.text).toContain('missing.css');
    expect(error.errors?.[0]?.location).toMatchObject({ file: 'src/hero.css', line: 2 });
  });

  it('exports both forms by default: styles["card-title"] and styles.cardTitle', async () => {
    const classes = classesOf((await transform(root, '/src/card.module.css')).code);
    expect(classes.cardTitle).toBe(classes['card-title']);
    expect(classes.card).toMatch(/^_card_[a-z0-9]{5}_\d+$/);
  });

  it('follows localsConvention: camelCaseOnly, dashes, dashesOnly, and a function', async () => {
    const only = classesOf(
      (await transform(root, '/src/card.module.css', { modules: { localsConvention: 'camelCaseOnly' } })).code,
    );
    expect(Object.keys(only).sort()).toEqual(['card', 'cardTitle', 'default']);
    const dashes = classesOf(
      (await transform(root, '/src/card.module.css', { modules: { localsConvention: 'dashes' } })).code,
    );
    expect(Object.keys(dashes).sort()).toEqual(['card', 'card-title', 'cardTitle', 'default']);
    const dashesOnly = classesOf(
      (await transform(root, '/src/card.module.css', { modules: { localsConvention: 'dashesOnly' } })).code,
    );
    expect(Object.keys(dashesOnly).sort()).toEqual(['card', 'cardTitle', 'default']);
    const upper = classesOf(
      (await transform(root, '/src/card.module.css', { modules: { localsConvention: (name) => name.toUpperCase() } }))
        .code,
    );
    expect(Object.keys(upper).sort()).toEqual(['CARD', 'CARD-TITLE', 'DEFAULT']);
  });

  it('names classes by a generateScopedName pattern or function, in the rules and the exports alike', async () => {
    const pattern = await transform(root, '/src/card.module.css', {
      modules: { generateScopedName: '[name]__[local]___[hash:base64:5]' },
    });
    const classes = classesOf(pattern.code);
    expect(classes.card).toMatch(/^card-module__card___[\w-]{5}$/);
    expect(styleOf(pattern.code)).toContain(`.${classes.card} {`);
    const named = classesOf(
      (
        await transform(root, '/src/card.module.css', {
          modules: { generateScopedName: (name, file) => `${path.basename(file, '.module.css')}-${name}` },
        })
      ).code,
    );
    expect(named.card).toBe('card-card');
    expect(named.cardTitle).toBe('card-card-title card-card');
  });

  it('with css.modules false, a .module.css is a plain stylesheet with no exports', async () => {
    const output = await transform(root, '/src/card.module.css', { modules: false });
    expect(output.code).not.toContain('export default');
    expect(styleOf(output.code)).toContain('.card {');
  });

  it('warns once, naming the file and the class, when a page reads a class the module lacks', async () => {
    const module = await run((await transform(root, '/src/card.module.css')).code);
    const styles = module.default as Record<string, string | undefined>;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      expect(styles.missing).toBeUndefined();
      expect(styles.missing).toBeUndefined();
      expect(styles.card).toBe(classesOf((await transform(root, '/src/card.module.css')).code).card);
      // Probes of promises, JSON and React are no class reads.
      expect(JSON.stringify(styles)).toContain('"card"');
      expect((styles as { then?: unknown }).then).toBeUndefined();
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([
      '[devpush] /src/card.module.css defines no class "missing" (it reads as undefined). Its classes: card, card-title, cardTitle, default.',
    ]);
  });

  it('composes from another module (its file named as an input), never from a file outside the served folder', async () => {
    const project = copyFixture('css-imports');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      path.join(project, 'src/button.module.css'),
      ".button {\n  composes: card from './card.module.css';\n}\n",
    );
    const output = await transform(project, '/src/button.module.css');
    const classes = classesOf(output.code);
    expect(classes.button?.split(' ')).toHaveLength(2);
    expect(styleOf(output.code)).toContain('padding: 1px');
    expect(output.inputs).toContain(path.join(project, 'src/card.module.css'));
    writeFileSync(
      path.join(project, 'src/leak.module.css'),
      ".leak {\n  composes: x from '../../outside.module.css';\n}\n",
    );
    await expect(transform(project, '/src/leak.module.css')).rejects.toThrow(
      'src/leak.module.css composes from "../../outside.module.css", which is outside the served folder',
    );
  });

  it('?inline gives the stylesheet as one string: @imports inlined, a CSS module scoped as applied', async () => {
    const config = await resolveConfig({ root });
    const context: StepContext = { root, config, hotUrl: HOT, hasPackage: () => false, noticeOnce: () => {} };
    const inline = async (url: string) => {
      const file = path.join(root, url);
      const input: ModuleInput = { file, url, query: 'inline', code: readFileSync(file, 'utf8'), lang: 'css' };
      const output = await inlineStep.transform(input, context);
      return JSON.parse(/^export default (".*");$/m.exec(output?.code ?? '')?.[1] ?? '""') as string;
    };
    const hero = await inline('/src/hero.css');
    expect(hero).toContain('margin: 0');
    expect(hero).not.toContain('@import');
    const card = await inline('/src/card.module.css');
    expect(card).toMatch(/\._card_[a-z0-9]{5}_\d+ \{/);
  });

  it('rebases url()s of a file pulled in by composes from another folder', async () => {
    const project = copyFixture('css-imports');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.join(project, 'src/shared'));
    writeFileSync(
      path.join(project, 'src/shared/base.module.css'),
      ".base {\n  background: url(../img/dot.svg);\n  mask: url('https://example.com/m.svg');\n}\n",
    );
    writeFileSync(
      path.join(project, 'src/pill.module.css'),
      ".pill {\n  composes: base from './shared/base.module.css';\n}\n",
    );
    const css = styleOf((await transform(project, '/src/pill.module.css')).code);
    expect(css).toContain('url(/src/img/dot.svg)');
    expect(css).toContain("url('https://example.com/m.svg')");
  });
});
