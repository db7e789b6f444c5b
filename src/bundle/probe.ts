import path from 'node:path';
import { esbuildService } from '../esbuild.js';

/**
 * Whether a plain .js module (or a module it imports by relative path) imports a package by name, which
 * a browser cannot resolve: such a page script is bundled like a TypeScript entry; any other .js file is
 * served as it is. Returns the files read, so the answer can be forgotten when one of them changes.
 * A module esbuild cannot parse is served as is: the browser reports its error where the author expects.
 */
export async function importsPackages(file: string, root: string): Promise<{ bundle: boolean; inputs: string[] }> {
  try {
    // Loaded on first use: a folder with no bundled scripts never pays for esbuild at start-up.
    const result = await esbuildService.use(({ build }) =>
      build({
        entryPoints: [file],
        absWorkingDir: root,
        bundle: true,
        packages: 'external',
        write: false,
        metafile: true,
        outdir: path.dirname(file),
        entryNames: '[name].probe',
        // Only the import graph matters here, not what non-JS files contain.
        loader: { '.css': 'empty', '.json': 'empty', '.svg': 'empty', '.png': 'empty' },
        logLevel: 'silent',
      }),
    );
    const inputs = Object.entries(result.metafile.inputs);
    const bundle = inputs.some(([, input]) =>
      input.imports.some((i) => i.external && !/^(\.{0,2}\/|[a-z]+:)/i.test(i.path)),
    );
    return { bundle, inputs: inputs.map(([name]) => path.resolve(root, name)) };
  } catch {
    return { bundle: false, inputs: [file] };
  }
}
