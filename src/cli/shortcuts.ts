import { createRequire } from 'node:module';

// node:readline only in a terminal: a server started by a script or a test does not load it.
const requireBuiltin = createRequire(import.meta.url);

export interface Shortcut {
  key: string;
  help: string;
  run(): void | Promise<void>;
}

/**
 * Single-key shortcuts while serving, as Vite users know them. Only on a terminal: raw mode is never
 * turned on for piped or redirected input. Ctrl-C and Ctrl-D (which raw mode keeps from becoming signals)
 * call `interrupt`. Returns the function that gives the terminal back.
 */
export function bindShortcuts(
  input: NodeJS.ReadStream,
  shortcuts: readonly Shortcut[],
  interrupt: () => void,
  onError: (error: unknown) => void,
): () => void {
  if (!input.isTTY) return () => {};
  (requireBuiltin('node:readline') as typeof import('node:readline')).emitKeypressEvents(input);
  input.setRawMode(true);
  input.resume();
  const onKey = (text: string | undefined, key: { name?: string; ctrl?: boolean } | undefined) => {
    if (key?.ctrl && (key.name === 'c' || key.name === 'd')) {
      interrupt();
      return;
    }
    const pressed = (text ?? key?.name ?? '').toLowerCase();
    const shortcut = shortcuts.find((candidate) => candidate.key === pressed);
    if (!shortcut) return;
    try {
      const result = shortcut.run();
      if (result instanceof Promise) result.catch(onError);
    } catch (error) {
      onError(error);
    }
  };
  input.on('keypress', onKey);
  return () => {
    input.off('keypress', onKey);
    if (input.isTTY) input.setRawMode(false);
    input.pause();
  };
}

/** The `h` text: one line per shortcut. */
export function shortcutHelp(shortcuts: readonly Shortcut[]): string {
  return ['', '  Shortcuts', ...shortcuts.map((s) => `  press ${s.key} to ${s.help}`), ''].join('\n');
}
