// `import { missing } from './card.module.css'` of a class the file does not define would stop the whole
// page (the browser refuses to link a missing export). Named imports of a CSS module are read off its
// default object instead, whose reads of missing classes warn (css-modules.ts), naming the file and class.
import type { TransformStep } from './steps.js';
import { lexerReady } from './lexer.js';

const CSS_MODULE_SPECIFIER = /\.module\.css$/i;
const IMPORT_CLAUSE = /^import\s+(?:([\w$]+)\s*,\s*)?\{([^}]*)\}\s*from\s*$/;
const NAMED = /^(?:([\w$]+)|"([^"]+)"|'([^']+)')(?:\s+as\s+([\w$]+))?$/;

/** `a`, `b as c`, `"card-title" as title` → destructuring keys; null when one is not understood. */
function destructuring(list: string): string | null {
  const items = list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const keys: string[] = [];
  for (const item of items) {
    const match = NAMED.exec(item);
    if (!match) return null;
    const name = match[1] ?? match[2] ?? match[3] ?? '';
    // `{ default as styles }` is the object itself, not a key of it: such an import stays as written.
    if (name === 'default') return null;
    const local = match[4] ?? name;
    if (!/^[A-Za-z_$][\w$]*$/.test(local)) return null;
    keys.push(`${JSON.stringify(name)}: ${local}`);
  }
  return keys.join(', ');
}

export const cssModuleImportsStep: TransformStep = {
  name: 'css-module-imports',
  applies: (input) => input.lang === 'js' && input.code.includes('.module.css'),
  async transform(input) {
    const { parse } = await lexerReady();
    const [imports] = parse(input.code);
    let code = '';
    let at = 0;
    let count = 0;
    for (const entry of imports) {
      if (entry.type !== 'static' || typeof entry.specifier !== 'string') continue;
      if (!CSS_MODULE_SPECIFIER.test(entry.specifier)) continue;
      const head = input.code.slice(entry.importStart, entry.start - 1);
      const clause = IMPORT_CLAUSE.exec(head);
      const keys = clause ? destructuring(clause[2] ?? '') : null;
      if (!clause || keys === null) continue;
      const binding = clause[1] ?? `__devpush_css${count++}`;
      const source = input.code.slice(entry.start - 1, entry.importEnd); // the quoted specifier (and any attributes)
      code += `${input.code.slice(at, entry.importStart)}import ${binding} from ${source}; const { ${keys} } = ${binding};`;
      at = entry.importEnd;
    }
    // One line for one line: the module's line numbers (and a map made before) stay right.
    return at === 0 ? null : { ...input, code: code + input.code.slice(at) };
  },
};
