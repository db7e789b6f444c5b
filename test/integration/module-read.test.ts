// The module side reading a file while a save is under way, on real files through the module server
// itself (the watcher's seam: a change set handed to `handle`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { EMPTY_RECHECK_MS } from '../../src/modules/module-state.js';
import { ModuleServer } from '../../src/modules/module-server.js';
import { FileAccess } from '../../src/server/paths.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

afterAll(removeTempProjects);

/** A project whose main module imports src/value.ts, crawled by the module server itself. */
async function crawledProject(): Promise<{ modules: ModuleServer; file: string }> {
  const root = tempProject({
    'src/main.ts': "import { value } from './value.ts';\nconsole.log(value);\n",
    'src/value.ts': "export const value: string = 'one';\n",
  });
  const config = await resolveConfig({ root, logLevel: 'silent' });
  const access = new FileAccess({ root, allow: [], deny: [] });
  const modules = new ModuleServer({
    root,
    config,
    access,
    hotUrl: '/__devpush/hot.js',
    onProblems() {},
    onNotice() {},
  });
  await modules.crawl('/src/main.ts');
  return { modules, file: path.join(root, 'src/value.ts') };
}

describe('module reads during a save', () => {
  it('reads a module caught between a save truncating it and writing it again once more, not as empty', async () => {
    const { modules, file } = await crawledProject();
    expect(modules.state('/src/value.ts')?.good?.code).toContain('"one"');

    // A save (truncate, then write) whose writer pauses between the two, read by the module side in between.
    writeFileSync(file, '');
    setTimeout(() => writeFileSync(file, "export const value: string = 'two';\n"), EMPTY_RECHECK_MS / 5);
    await modules.handle([[file, 'change']]);
    expect(modules.state('/src/value.ts')?.good?.code).toContain('"two"');
  });

  it('takes a module emptied for good as empty, after one more look', async () => {
    const { modules, file } = await crawledProject();
    writeFileSync(file, '');
    await modules.handle([[file, 'change']]);
    expect(modules.state('/src/value.ts')?.good?.code).not.toContain('one');
  });
});
