// `import.meta.glob('./pages/*.ts')` (lazy: path → () => import()) and `{ eager: true }` (path → the
// module, imported statically), with `import: 'default'` picking one export. Expanded at transform time
// against the files of the module's folder; the imports it makes are then rewritten like any other.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { TransformStep } from './steps.js';

const GLOB_CALL = /\bimport\.meta\.glob\(\s*((?:'[^']*'|"[^"]*"|\[[^\]]*\]))\s*(?:,\s*(\{[^}]*\}))?\s*\)/g;
const SKIPPED = new Set(['node_modules', '.git']);

function patternsOf(argument: string): string[] {
  return [...argument.matchAll(/'([^']*)'|"([^"]*)"/g)].map((match) => (match[1] ?? match[2]) as string);
}

/** Files under `dir` matching the patterns (relative to `dir`, `!` negates), as `./a/b.ts` sorted. */
function matchingFiles(dir: string, patterns: string[], self: string): string[] {
  const positive = patterns.filter((pattern) => !pattern.startsWith('!'));
  const negative = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
  const isMatch = picomatch(positive.map((pattern) => pattern.replace(/^\.\//, '')));
  const isExcluded = negative.length ? picomatch(negative.map((pattern) => pattern.replace(/^\.\//, ''))) : () => false;
  const relativeDepth = Math.max(0, ...positive.map((pattern) => pattern.split('/').filter((p) => p === '..').length));
  const base = path.resolve(dir, ...Array(relativeDepth).fill('..'));
  const found: string[] = [];
  for (const entry of readdirSync(base, { recursive: true, withFileTypes: false }) as string[]) {
    if (entry.split(path.sep).some((segment) => SKIPPED.has(segment))) continue;
    const file = path.join(base, entry);
    if (file === self) continue;
    let relative = path.relative(dir, file).split(path.sep).join('/');
    if (!relative.startsWith('../')) relative = `./${relative}`;
    const bare = relative.replace(/^\.\//, '');
    if (isMatch(bare) && !isExcluded(bare)) found.push(relative);
  }
  return found.sort();
}

export const globStep: TransformStep = {
  name: 'glob',
  applies: (input) => input.lang === 'js' && input.code.includes('import.meta.glob'),
  async transform(input) {
    const imports: string[] = [];
    let count = 0;
    const code = input.code.replace(GLOB_CALL, (_, argument: string, options: string | undefined) => {
      const eager = /\beager\s*:\s*true\b/.test(options ?? '');
      const picked = /\bimport\s*:\s*['"]([\w$]+)['"]/.exec(options ?? '')?.[1];
      const files = matchingFiles(path.dirname(input.file), patternsOf(argument), input.file);
      const entries = files.map((file, index) => {
        if (!eager) {
          const then = picked ? `.then((m) => m[${JSON.stringify(picked)}])` : '';
          return `${JSON.stringify(file)}: () => import(${JSON.stringify(file)})${then}`;
        }
        const local = `__devpush_glob_${count}_${index}`;
        imports.push(
          picked && picked !== '*'
            ? `import { ${picked} as ${local} } from ${JSON.stringify(file)};`
            : `import * as ${local} from ${JSON.stringify(file)};`,
        );
        return `${JSON.stringify(file)}: ${local}`;
      });
      count++;
      return `Object.freeze({ ${entries.join(', ')} })`;
    });
    // Eager imports share the first line, so the module's line numbers hold.
    return { ...input, code: imports.join('') + code };
  },
};
