// What the module side holds after a long session of saves: a few transforms per module, not one per save.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformCache } from '../../src/modules/module-state.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';
import { modulesOf } from '../helpers/modules.js';

afterAll(removeTempProjects);

describe('transforms kept', () => {
  it('keeps the newest few versions of a module and forgets the oldest first', () => {
    const cache = new TransformCache(2);
    const transformed = (code: string) => ({ code, sites: [], hash: code, inputs: [] });
    cache.set('/a.ts', 'h1', transformed('one'));
    cache.set('/a.ts', 'h2', transformed('two'));
    cache.get('/a.ts', 'h1');
    cache.set('/a.ts', 'h1', transformed('one again'));
    cache.set('/a.ts', 'h3', transformed('three'));
    expect(cache.get('/a.ts', 'h2')).toBeUndefined();
    expect(cache.get('/a.ts', 'h1')?.code).toBe('one again');
    expect(cache.get('/a.ts', 'h3')?.code).toBe('three');
    expect(cache.size).toBe(2);
  });

  it('holds a bounded number of transforms over a hundred saves of one module', async () => {
    const root = tempProject({
      'src/main.ts': "import { value } from './leaf';\nconsole.log(value);\n",
      'src/leaf.ts': 'export const value: number = 0;\n',
    });
    const modules = await modulesOf(root);
    await modules.server.crawl('/src/main.ts');
    const leaf = path.join(root, 'src/leaf.ts');
    for (let n = 1; n <= 100; n++) {
      writeFileSync(leaf, `export const value: number = ${n};\n`);
      const outcome = await modules.server.handle([[leaf, 'change']]);
      expect(outcome.changed).toEqual(['/src/leaf.ts']);
    }
    // main.ts once, leaf.ts at most four versions.
    expect(modules.server.transforms.size).toBeLessThanOrEqual(5);
  });
});
