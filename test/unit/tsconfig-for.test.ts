import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsconfigFor } from '../../src/bundle/tsconfig.js';
import { FIXTURES, tempProject } from '../helpers/fixture.js';

describe('tsconfigFor', () => {
  const template = path.join(FIXTURES, 'vite-preact-ts');

  it("follows a solution tsconfig's references to the config whose include covers the file", () => {
    expect(tsconfigFor(path.join(template, 'src/main.tsx'), template)).toBe(path.join(template, 'tsconfig.app.json'));
    expect(tsconfigFor(path.join(template, 'vite.config.ts'), template)).toBe(
      path.join(template, 'tsconfig.node.json'),
    );
  });

  it('keeps the nearest tsconfig when it has no references, and finds none above the root', () => {
    const root = tempProject({ 'tsconfig.json': '{ "compilerOptions": { "jsx": "react-jsx" } }', 'src/a.ts': '' });
    expect(tsconfigFor(path.join(root, 'src/a.ts'), root)).toBe(path.join(root, 'tsconfig.json'));
    const bare = tempProject({ 'src/a.ts': '' });
    expect(tsconfigFor(path.join(bare, 'src/a.ts'), path.join(bare, 'src'))).toBeNull();
  });

  it('honours exclude and falls back to the solution file when no reference covers the file', () => {
    const root = tempProject({
      'tsconfig.json': '{ "files": [], "references": [{ "path": "./tsconfig.web.json" }] }',
      'tsconfig.web.json': '{ "include": ["src"], "exclude": ["src/legacy"] }',
      'src/a.tsx': '',
      'src/legacy/b.tsx': '',
      'other/c.ts': '',
    });
    expect(tsconfigFor(path.join(root, 'src/a.tsx'), root)).toBe(path.join(root, 'tsconfig.web.json'));
    expect(tsconfigFor(path.join(root, 'src/legacy/b.tsx'), root)).toBe(path.join(root, 'tsconfig.json'));
    expect(tsconfigFor(path.join(root, 'other/c.ts'), root)).toBe(path.join(root, 'tsconfig.json'));
  });

  it('a tsconfig that cannot be parsed is left for esbuild to report', () => {
    const root = tempProject({ 'tsconfig.json': '{ "references": [ nope', 'a.ts': '' });
    expect(tsconfigFor(path.join(root, 'a.ts'), root)).toBe(path.join(root, 'tsconfig.json'));
  });
});
