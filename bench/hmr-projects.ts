import { mkdirSync, realpathSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './devpush.js';
import { colorFor, leafModule, type Project, project, tsProject } from './projects.js';

// Projects of the HMR figures: the bench's TS shapes (10 and 1,000 modules) with a self-accepting leaf
// and a stylesheet imported from a module, and a small React app. #marker shows the state, as elsewhere.

/** Leaf 0 of an HMR project: the usual leaf, which also shows its value and accepts its own updates. */
export function acceptingLeaf(value: string): string {
  return (
    `${leafModule(0, value)}` +
    "if (import.meta.hot) {\n  document.getElementById('marker')!.textContent = value0;\n  import.meta.hot.accept();\n}\n"
  );
}

export function markerStylesheet(n: number): string {
  return `#marker {\n  color: ${colorFor(n)};\n}\n`;
}

/**
 * A TS page of `modules` modules whose leaf 0 accepts itself (its save is an in-place update) and whose
 * entry imports src/theme.css (its save swaps the style the hot runtime owns).
 */
export function hmrProject(modules: number): Project & { leaf: string; stylesheet: string } {
  const ts = tsProject(modules);
  ts.write(ts.leaf, acceptingLeaf('v0'));
  ts.write('src/theme.css', markerStylesheet(0));
  const main = readFileSync(path.join(ts.root, 'src/main.ts'), 'utf8');
  ts.write('src/main.ts', `import './theme.css';\n${main}`);
  return { ...ts, stylesheet: 'src/theme.css' };
}

/**
 * Leaf `index` of the save-all project: accepts itself and shows the lowest generation that the saved
 * leaves run, so the page shows generation n only once every one of them runs it.
 */
export function generationLeaf(index: number, generation: number): string {
  return (
    `${leafModule(index, `v${generation}`)}` +
    'if (import.meta.hot) {\n' +
    '  const seen = ((globalThis as { __generations?: Record<number, number> }).__generations ??= {});\n' +
    `  seen[${index}] = ${generation};\n` +
    "  document.getElementById('marker')!.textContent = `v${Math.min(...Object.values(seen))}`;\n" +
    '  import.meta.hot.accept();\n}\n'
  );
}

/** A TS page of `modules` modules whose first `saved` leaves accept themselves (a save-all edits them all). */
export function saveAllProject(modules: number, saved: number): Project & { saved: string[] } {
  const ts = tsProject(modules);
  const files = Array.from({ length: saved }, (_, i) => `src/leaves/l${i}.ts`);
  for (const [i, file] of files.entries()) ts.write(file, generationLeaf(i, 0));
  return { ...ts, saved: files };
}

/** The packages a React project gets from the repository (pinned devDependencies of devpush). */
const REACT_PACKAGES = ['react', 'react-dom', 'react-refresh', 'scheduler'];

export function reactApp(label: string): string {
  return (
    "import { useState } from 'react';\n\n" +
    'export default function App() {\n' +
    '  const [count, setCount] = useState(0);\n' +
    '  return (\n' +
    '    <main>\n' +
    `      <p id="marker">${label}:{count}</p>\n` +
    '      <button id="more" type="button" onClick={() => setCount((c) => c + 1)}>more</button>\n' +
    '    </main>\n' +
    '  );\n' +
    '}\n'
  );
}

/** A React app (as Vite's react-ts template lays it out): #marker shows `label:count`. */
export function reactProject(): Project & { component: string } {
  const react = project('react', {
    'index.html':
      '<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>bench</title>\n</head>\n<body>\n' +
      '<div id="root"></div>\n<script type="module" src="/src/main.tsx"></script>\n</body>\n</html>\n',
    'package.json': JSON.stringify({ name: 'bench-react', private: true, type: 'module' }),
    'src/main.tsx':
      "import { createRoot } from 'react-dom/client';\nimport App from './App.tsx';\n\n" +
      "createRoot(document.getElementById('root')!).render(<App />);\n",
    'src/App.tsx': reactApp('v0'),
  });
  const modules = path.join(react.root, 'node_modules');
  mkdirSync(modules, { recursive: true });
  for (const name of REACT_PACKAGES)
    symlinkSync(realpathSync(path.join(REPO_ROOT, 'node_modules', name)), path.join(modules, name), 'dir');
  return { ...react, component: 'src/App.tsx' };
}
