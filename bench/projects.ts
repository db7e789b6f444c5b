import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Small real projects, generated in temp folders. Every page shows its state in #marker: its text and
// its color are what the page reports to the bench.

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export interface Project {
  root: string;
  write(file: string, contents: string): void;
}

export function project(kind: string, files: Record<string, string>): Project {
  const root = mkdtempSync(path.join(os.tmpdir(), `devpush-bench-${kind}-`));
  made.push(root);
  const write = (file: string, contents: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), contents);
  };
  for (const [file, contents] of Object.entries(files)) write(file, contents);
  return { root, write };
}

export function removeProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `rgb(r, g, b)` as getComputedStyle reports it, different for every n. */
export function colorFor(n: number): string {
  return `rgb(${n % 256}, ${Math.floor(n / 256) % 256}, 7)`;
}

export function staticPage(text: string): string {
  return (
    '<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>bench</title>\n' +
    '<link rel="stylesheet" href="/style.css">\n</head>\n<body>\n' +
    `<h1>A small page</h1>\n<p id="marker">${text}</p>\n<p>Some text so the page is not empty.</p>\n</body>\n</html>\n`
  );
}

export function stylesheet(n: number): string {
  return `body { font-family: sans-serif; margin: 2rem; }\nh1 { font-size: 1.5rem; }\n#marker { color: ${colorFor(n)}; }\n`;
}

/** A static page with one stylesheet. */
export function staticProject(): Project {
  return project('static', { 'index.html': staticPage('v0'), 'style.css': stylesheet(0) });
}

function entryPage(): string {
  return (
    '<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>bench</title>\n</head>\n<body>\n' +
    '<p id="marker">loading</p>\n<script type="module" src="/src/main.ts"></script>\n</body>\n</html>\n'
  );
}

/** A leaf module with a little real code, so the bundle has a realistic size. */
export function leafModule(index: number, value: string): string {
  return (
    `export interface Item${index} { id: number; label: string; weight: number }\n` +
    `export const items${index}: Item${index}[] = Array.from({ length: 4 }, (_, i) => ({ id: i, label: \`leaf ${index} item \${i}\`, weight: i * ${index + 1} }));\n` +
    `export function total${index}(): number {\n  return items${index}.reduce((sum, item) => sum + item.weight, 0);\n}\n` +
    `export const value${index}: string = ${JSON.stringify(value)};\n`
  );
}

/**
 * A TypeScript entry of `modules` modules in all (entry, groups, leaves). The page shows leaf 0's value,
 * so editing `src/leaves/l0.ts` is an edit at a leaf that reaches the screen.
 */
export function tsProject(modules: number): Project & { leaf: string } {
  const groups = modules >= 100 ? 10 : 0;
  const leaves = modules - 1 - groups;
  const files: Record<string, string> = { 'index.html': entryPage() };
  for (let i = 0; i < leaves; i++) files[`src/leaves/l${i}.ts`] = leafModule(i, 'v0');
  const leafImport = (i: number, from: string) => `import { total${i}, value${i} } from '${from}/leaves/l${i}';\n`;
  let main = '';
  if (groups === 0) {
    for (let i = 0; i < leaves; i++) main += leafImport(i, '.');
    main += `const total = ${Array.from({ length: leaves }, (_, i) => `total${i}()`).join(' + ')};\n`;
  } else {
    const perGroup = Math.ceil(leaves / groups);
    for (let g = 0; g < groups; g++) {
      const members = Array.from({ length: perGroup }, (_, k) => g * perGroup + k).filter((i) => i < leaves);
      files[`src/groups/g${g}.ts`] =
        members.map((i) => leafImport(i, '..')).join('') +
        `export const total = ${members.map((i) => `total${i}()`).join(' + ')};\n` +
        `export const first = ${members.length ? `value${members[0]}` : "''"};\n`;
      main += `import { total as total_g${g}, first as first_g${g} } from './groups/g${g}';\n`;
    }
    main += `const total = ${Array.from({ length: groups }, (_, g) => `total_g${g}`).join(' + ')};\nconst value0 = first_g0;\n`;
  }
  main +=
    "const marker = document.getElementById('marker')!;\nmarker.dataset.total = String(total);\nmarker.textContent = value0;\n";
  files['src/main.ts'] = main;
  return { ...project(`ts${modules}`, files), leaf: 'src/leaves/l0.ts' };
}

/** A TypeScript entry over `count` modules; the page shows the lowest generation among them. */
export function burstProject(count: number): Project & { files: string[]; generation(n: number): string } {
  const files = Array.from({ length: count }, (_, i) => `src/parts/p${i}.ts`);
  const generation = (n: number) => `export const gen: number = ${n};\nexport const note = 'generation ${n}';\n`;
  const sources: Record<string, string> = { 'index.html': entryPage() };
  for (const file of files) sources[file] = generation(0);
  sources['src/main.ts'] =
    files.map((_, i) => `import { gen as gen${i} } from './parts/p${i}';\n`).join('') +
    `const lowest = Math.min(${files.map((_, i) => `gen${i}`).join(', ')});\n` +
    "document.getElementById('marker')!.textContent = `g${lowest}`;\n";
  return { ...project(`burst${count}`, sources), files, generation };
}
