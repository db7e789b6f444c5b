import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { refreshMissingStep, refreshPreambleStep } from '../../src/modules/refresh-preamble.js';
import { REFRESH_RUNTIME, RefreshTransformError, refreshStep } from '../../src/modules/refresh-step.js';
import { routePath } from '../../src/protocol.js';
import { langOf, type ModuleInput, runSteps, type StepContext } from '../../src/modules/steps.js';
import { copyAppFixture } from '../helpers/app-fixture.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

async function contextFor(root: string, build: Record<string, unknown> = {}): Promise<StepContext> {
  const config = await resolveConfig({ root, build });
  const require = createRequire(path.join(root, 'package.json'));
  const hasPackage = (name: string) => {
    try {
      require.resolve(`${name}/package.json`);
      return true;
    } catch {
      return false;
    }
  };
  return { root, config, hasPackage, hotUrl: '/__devpush/hot.js?v=test', noticeOnce: () => {} };
}

function inputOf(root: string, url: string, code?: string): ModuleInput {
  const file = path.join(root, url);
  return { file, url, code: code ?? readFileSync(file, 'utf8'), lang: langOf(file) };
}

describe('React Refresh step on the react-app fixture', () => {
  const root = copyAppFixture('react-app');

  it('registers the components of a .tsx module under its URL path and accepts its exports', async () => {
    const context = await contextFor(root);
    const input = inputOf(root, '/src/App.tsx');
    expect(refreshStep.applies(input, context)).toBe(true);
    const output = await refreshStep.transform(input, context);
    expect(output?.lang).toBe('js');
    const code = output?.code ?? '';
    // The prelude shares the first line with the code: line numbers hold.
    const [first] = code.split('\n');
    expect(first).toContain(`import ${JSON.stringify(REFRESH_RUNTIME)};`);
    expect(first).toContain('__devpush_refresh("/src/App.tsx", import.meta.hot)');
    expect(code).toContain('$RefreshReg$(_c, "App")');
    // useState gives App a hook signature: a changed hook list remounts instead of keeping stale state.
    expect(code).toMatch(/_s\(App, "[^"]+"\)/);
    expect(code).toContain('$RefreshModule$.acceptExports(import.meta.url);');
    expect(code).not.toContain(': number');
    expect(code).toContain('react/jsx-dev-runtime');
    expect(JSON.parse(output?.map ?? '{}').sourcesContent).toEqual([input.code]);
  });

  it('leaves a module without exports (main.tsx) to its importers: no accept', async () => {
    const context = await contextFor(root);
    const output = await refreshStep.transform(inputOf(root, '/src/main.tsx'), context);
    expect(output?.code).toContain('__devpush_refresh("/src/main.tsx", import.meta.hot)');
    expect(output?.code).not.toContain('acceptExports');
  });

  it('goes first in the step list: the esbuild step after it applies define to plain JavaScript', async () => {
    const context = await contextFor(root, { define: { __LABEL__: '"defined"' } });
    const source = 'export function Label() {\n  return <b>{__LABEL__}</b>;\n}\n';
    const output = await runSteps(inputOf(root, '/src/Label.tsx', source), context);
    expect(output.code).toContain('"defined"');
    expect(output.code).toContain('$RefreshReg$(_c, "Label")');
  });

  it('reports a syntax error at its line and column, counted in characters', async () => {
    const context = await contextFor(root);
    const source = 'const s = "ééé";\nexport const App = () => <div>{1 +}</div>;\n';
    const error = await refreshStep.transform(inputOf(root, '/src/Broken.tsx', source), context).catch((e) => e);
    expect(error).toBeInstanceOf(RefreshTransformError);
    const [message] = (error as RefreshTransformError).errors;
    expect(message?.location).toMatchObject({
      file: '/src/Broken.tsx',
      line: 2,
      column: source.split('\n')[1]?.indexOf('}') ?? -1,
      lineText: 'export const App = () => <div>{1 +}</div>;',
    });
  });

  it('applies only where JSX is React and the project has react and react-refresh', async () => {
    const context = await contextFor(root);
    expect(refreshStep.applies(inputOf(root, '/src/main.ts', ''), context)).toBe(false);
    const preact = await contextFor(root, { jsxImportSource: 'preact' });
    expect(refreshStep.applies(inputOf(root, '/src/App.tsx'), preact)).toBe(false);
    const bare = tempProject({ 'src/App.jsx': 'export const App = () => <p/>;\n' });
    const withoutReact = await contextFor(bare);
    expect(withoutReact.hasPackage('react')).toBe(false);
    expect(refreshStep.applies(inputOf(bare, '/src/App.jsx'), withoutReact)).toBe(false);
  });

  it("keeps React's classic runtime when the config asks for factory calls", async () => {
    const context = await contextFor(root, { jsx: 'transform', jsxFactory: 'React.createElement' });
    const source = "import React from 'react';\nexport function Box() {\n  return <div />;\n}\n";
    const output = await refreshStep.transform(inputOf(root, '/src/Box.jsx', source), context);
    expect(output?.code).toContain('React.createElement("div"');
    expect(output?.code).toContain('$RefreshReg$(_c, "Box")');
  });
});

describe('React Refresh around plain modules', () => {
  const root = copyAppFixture('react-app');

  it('puts the glue first in a .ts module that imports react-dom, on its first line', async () => {
    const context = await contextFor(root);
    const output = await runSteps(inputOf(root, '/src/plain-main.ts'), context);
    const [first] = output.code.split('\n');
    expect(
      first?.startsWith(`import ${JSON.stringify(REFRESH_RUNTIME)};import ${JSON.stringify(routePath('refresh'))};`),
    ).toBe(true);
    // The module's own lines stay where they were.
    expect(output.code.split('\n').length).toBe(
      (await runSteps(inputOf(root, '/src/plain-main.ts'), { ...context, hasPackage: () => false })).code.split('\n')
        .length,
    );
  });

  it('leaves a .ts module that does not import react-dom alone', async () => {
    const context = await contextFor(root);
    const input = {
      ...inputOf(root, '/src/util.ts', "import { useState } from 'react';\nexport const x = useState;\n"),
    };
    const output = await runSteps(input, context);
    expect(output.code).not.toContain(routePath('refresh'));
    expect(
      refreshPreambleStep.applies({ ...input, lang: 'js' }, { ...context, hasPackage: (n) => n !== 'react-refresh' }),
    ).toBe(false);
  });

  it('says once, in the terminal, that a React project without react-refresh gets no Fast Refresh', async () => {
    const notices: string[] = [];
    const context = await contextFor(root);
    const withoutRefresh: StepContext = {
      ...context,
      hasPackage: (name) => name !== 'react-refresh' && context.hasPackage(name),
      noticeOnce: (message) => notices.push(message),
    };
    const input = inputOf(root, '/src/App.tsx');
    expect(refreshStep.applies(input, withoutRefresh)).toBe(false);
    expect(refreshMissingStep.applies(input, withoutRefresh)).toBe(true);
    await runSteps(input, withoutRefresh);
    expect(notices).toEqual([expect.stringContaining('npm i -D react-refresh')]);
    expect(refreshMissingStep.applies(input, context)).toBe(false);
  });
});
