// The module side as the server sees it: one object per run, or none on the bundled path.
import type { ResolvedConfig } from '../config/types.js';
import type { BuildProblem } from '../protocol.js';
import type { FileAccess } from '../server/paths.js';
import { type HotRuntimeFile, loadHotRuntime } from './hot-runtime.js';
import { ModuleServer } from './module-server.js';
import { ModuleResponder } from './serve.js';

export interface Modules {
  server: ModuleServer;
  responder: ModuleResponder;
  hot: HotRuntimeFile;
}

export function createModules(
  config: ResolvedConfig,
  access: FileAccess,
  onProblems: (url: string, problems: BuildProblem[] | null) => void,
  onNotice: (message: string) => void,
): Modules {
  const hot = loadHotRuntime();
  const server = new ModuleServer({ root: config.root, config, access, hotUrl: hot.url, onProblems, onNotice });
  return { server, responder: new ModuleResponder(server, access, hot.url), hot };
}
