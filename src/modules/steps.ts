// The transform steps a source module goes through before it is served, in order, one line each (add a
// step: one line here and its file). Each step gets the previous step's output; null means "not mine".
// After the last step the module must be JavaScript (lang 'js'). Outputs are cached by content.
import type { ResolvedConfig } from '../config/types.js';
import { assetStep, jsonStep } from './data-steps.js';
import type { ImportQuery } from './queries.js';
import { inlineStep, rawStep, urlStep, workerStep } from './query-steps.js';
import { assetUrlStep } from './asset-url-step.js';
import { envStep } from './env-step.js';
import { globStep } from './glob-step.js';
import { esbuildStep } from './esbuild-step.js';
import { cssStep } from './css-step.js';
import { cssModuleImportsStep } from './css-module-imports-step.js';
import { refreshStep } from './refresh-step.js';
import { refreshMissingStep, refreshPreambleStep } from './refresh-preamble.js';

/** The language a module is in at some point of the list. 'asset': any other file imported by a module. */
export type ModuleLang = 'ts' | 'tsx' | 'js' | 'jsx' | 'css' | 'json' | 'asset';

export interface ModuleInput {
  /** Absolute path of the source file. */
  file: string;
  /** Its URL path from the served root (`/src/App.tsx`). */
  url: string;
  /** The import query it was imported with (`?raw`, `?url`, `?inline`), if any. */
  query?: ImportQuery | null;
  code: string;
  lang: ModuleLang;
  /** A source map for `code` (JSON text), when a step made one. */
  map?: string;
  /** Absolute paths of other files this module's code was made from (a CSS `@import`): a change re-runs it. */
  inputs?: string[];
  /** For a plain stylesheet: the CSS text its code applies (an update can carry it to the pages). */
  style?: string;
}

export interface StepContext {
  root: string;
  /** URL of the hot runtime (`/__devpush/hot.js?v=…`): a step's output may import updateStyle from it. */
  hotUrl: string;
  config: ResolvedConfig;
  /** Whether the project can import this package (e.g. `react`: only then is React Refresh wired in). */
  hasPackage(name: string): boolean;
  /** A one-line notice for the terminal about the project's set-up; the same text is shown once per run. */
  noticeOnce(message: string): void;
}

export interface TransformStep {
  name: string;
  applies(input: ModuleInput, context: StepContext): boolean;
  transform(input: ModuleInput, context: StepContext): Promise<ModuleInput | null>;
}

/** The steps in order. hmr-react adds `react-refresh` before `esbuild` and `css` after it. */
export const TRANSFORM_STEPS: readonly TransformStep[] = [
  rawStep,
  urlStep,
  inlineStep,
  workerStep,
  refreshMissingStep,
  refreshStep,
  esbuildStep,
  refreshPreambleStep,
  envStep,
  assetUrlStep,
  globStep,
  cssModuleImportsStep,
  cssStep,
  jsonStep,
  assetStep,
];

/** The lang a file starts in, from its name. */
export function langOf(file: string): ModuleLang {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase() ?? '';
  if (ext === 'ts' || ext === 'mts' || ext === 'cts') return 'ts';
  if (ext === 'tsx' || ext === 'jsx' || ext === 'css' || ext === 'json') return ext;
  if (ext === 'js' || ext === 'mjs' || ext === 'cjs') return 'js';
  return 'asset';
}

/** Runs the steps over one module. Throws what a step throws (a transform error is reported by the caller). */
export async function runSteps(
  input: ModuleInput,
  context: StepContext,
  steps: readonly TransformStep[] = TRANSFORM_STEPS,
): Promise<ModuleInput> {
  let current = input;
  for (const step of steps) {
    if (!step.applies(current, context)) continue;
    current = (await step.transform(current, context)) ?? current;
  }
  if (current.lang !== 'js') throw new Error(`no transform step turns ${current.lang} into JavaScript`);
  return current;
}
