// A tsconfig saved while devpush runs: its options reach every module (the transforms made under the old
// one are not served again), and the pages reload once.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';
import { modulesOf } from '../helpers/modules.js';

afterAll(removeTempProjects);

const tsconfig = (factory: string) =>
  JSON.stringify({ compilerOptions: { jsx: 'react', jsxFactory: factory, jsxFragmentFactory: 'Fragment' } });

describe('a tsconfig that changes under a running server', () => {
  it('transforms every module again with the new options and asks for one reload', async () => {
    const root = tempProject({
      'tsconfig.json': tsconfig('h'),
      'src/main.tsx': "import { View } from './view';\nexport const page = <main><View /></main>;\n",
      'src/view.tsx': 'export const View = () => <p>view</p>;\n',
    });
    const modules = await modulesOf(root);
    await modules.server.crawl('/src/main.tsx');
    const code = (url: string) => modules.server.state(url)?.good?.code ?? '';
    expect(code('/src/view.tsx')).toContain('h("p"');
    const before = modules.server.versionOf('/src/main.tsx');

    const file = path.join(root, 'tsconfig.json');
    writeFileSync(file, tsconfig('createElement'));
    const outcome = await modules.server.handle([[file, 'change']]);

    expect(outcome.reload).toMatch(/tsconfig\.json changed/);
    expect(outcome.claimed.has(file)).toBe(true);
    expect(code('/src/view.tsx')).toContain('createElement("p"');
    expect(code('/src/main.tsx')).toContain('createElement("main"');
    expect(modules.server.versionOf('/src/main.tsx')).not.toBe(before);
  });

  it('takes a tsconfig added in a subfolder for the modules under it, and only them', async () => {
    const root = tempProject({
      'tsconfig.json': tsconfig('h'),
      'src/main.tsx': "import { View } from './ui/view';\nexport const page = <main><View /></main>;\n",
      'src/ui/view.tsx': 'export const View = () => <p>view</p>;\n',
    });
    const modules = await modulesOf(root);
    await modules.server.crawl('/src/main.tsx');
    const code = (url: string) => modules.server.state(url)?.good?.code ?? '';
    expect(code('/src/ui/view.tsx')).toContain('h("p"');

    const added = path.join(root, 'src/ui/tsconfig.json');
    writeFileSync(added, tsconfig('createElement'));
    await modules.server.handle([[added, 'add']]);

    expect(code('/src/ui/view.tsx')).toContain('createElement("p"');
    expect(code('/src/main.tsx')).toContain('h("main"');
  });
});
