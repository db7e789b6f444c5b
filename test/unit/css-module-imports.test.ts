import { describe, expect, it } from 'vitest';
import { cssModuleImportsStep } from '../../src/modules/css-module-imports-step.js';
import type { ModuleInput, StepContext } from '../../src/modules/steps.js';

async function rewrite(code: string): Promise<string> {
  const input: ModuleInput = { file: '/p/src/a.js', url: '/src/a.js', code, lang: 'js' };
  return (await cssModuleImportsStep.transform(input, {} as StepContext))?.code ?? code;
}

describe('named imports of a CSS module', () => {
  it('are read off its default object, on the same line, under the names written', async () => {
    const code = await rewrite(
      'import styles, { card, "card-title" as title } from "./a.module.css";\nconsole.log(styles, card, title);\n',
    );
    expect(code).toBe(
      'import styles from "./a.module.css"; const { "card": card, "card-title": title } = styles;;\nconsole.log(styles, card, title);\n',
    );
  });

  it('get a binding of their own when there is no default import; other imports stay as written', async () => {
    const code = await rewrite(
      "import { card as c } from './a.module.css'\nimport x from './b.module.css';\nimport * as ns from './c.module.css';\nimport { y } from './d.css';\nimport { default as s, z } from './e.module.css';\n",
    );
    expect(code.split('\n')).toEqual([
      'import __devpush_css0 from \'./a.module.css\'; const { "card": c } = __devpush_css0;',
      "import x from './b.module.css';",
      "import * as ns from './c.module.css';",
      "import { y } from './d.css';",
      "import { default as s, z } from './e.module.css';",
      '',
    ]);
  });

  it('run: a missing class is undefined instead of a link error', async () => {
    const module = `data:text/javascript,${encodeURIComponent('export default { card: "c1" };')}`;
    const code = await rewrite(
      `import { card, missing } from "${module}#.module.css";\nexport const seen = [card, missing];\n`,
    );
    // The specifier must end in .module.css for the step: a fragment keeps the data URL valid.
    expect(code).toContain('const { "card": card, "missing": missing }');
    const ran = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { seen: unknown[] };
    expect(ran.seen).toEqual(['c1', undefined]);
  });
});
