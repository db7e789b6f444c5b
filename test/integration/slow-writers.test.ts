import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CssMessage, ServerMessage } from '../../src/protocol.js';
import { removeTempProjects } from '../helpers/fixture.js';
import { closeWatchedSites, sleep, watchedSite, type WatchedSite } from '../helpers/watch.js';

afterEach(closeWatchedSites);
afterAll(removeTempProjects);

const PAGE = '<!doctype html><link rel="stylesheet" href="/style.css"><h1>one</h1>';

/** Pauses of 10–40 ms from a fixed seed, so a failure replays the same writer. */
function pauses(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 10 + (state % 31);
  };
}

/**
 * A slow writer, as a network drive or a tool streaming its output: truncates the file, leaves it empty
 * for a moment, then writes it in chunks with pauses between them. The pauses are the writer's own
 * behaviour, not a wait for an outcome.
 */
async function slowWrite(file: string, text: string, chunks: number, seed: number, emptyMs = 40): Promise<void> {
  const next = pauses(seed);
  const handle = await open(file, 'w');
  try {
    await sleep(emptyMs);
    const size = Math.ceil(text.length / chunks);
    for (let i = 0; i < text.length; i += size) {
      await handle.write(text.slice(i, i + size));
      if (i + size < text.length) await sleep(next());
    }
  } finally {
    await handle.close();
  }
}

/** Fetches `urlPath` the moment each page-changing message arrives: what a page reloading then would see. */
function watchWhatPagesSee(site: WatchedSite, urlPath: string): Promise<string>[] {
  const seen: Promise<string>[] = [];
  site.probe.socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.kind === 'reload' || message.kind === 'css') seen.push(site.fetchText(urlPath));
  });
  return seen;
}

function html(lines: number, tag: string): string {
  return `<!doctype html><link rel="stylesheet" href="/style.css">${Array.from({ length: lines }, (_, i) => `<p>${tag} line ${i}</p>\n`).join('')}<h1>end ${tag}</h1>`;
}

describe('slow writers: truncate, empty for a moment, chunks with pauses', () => {
  it('reloads a page once, with its final bytes, and never while it is half written', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    const seen = watchWhatPagesSee(site, '/index.html');
    const final = html(200, 'a');
    await slowWrite(path.join(site.root, 'index.html'), final, 8, 1);
    const messages = await site.settle(1);
    expect(messages).toMatchObject([{ kind: 'reload', paths: ['/index.html'] }]);
    expect(await Promise.all(seen)).toEqual([expect.stringContaining(`${final}<script`)]);
  });

  it('swaps a stylesheet once, with its final bytes', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    const seen = watchWhatPagesSee(site, '/style.css');
    const final = `${Array.from({ length: 300 }, (_, i) => `.c${i} { color: blue }`).join('\n')}\nh1 { color: green }`;
    await slowWrite(path.join(site.root, 'style.css'), final, 6, 2);
    const messages = await site.settle(1);
    expect(messages).toMatchObject([{ kind: 'css', paths: ['/style.css'] }]);
    expect(await Promise.all(seen)).toEqual([final]);
    // The text that rides with the message (small stylesheets) is the final one too.
    expect((messages[0] as CssMessage).texts).toEqual({ '/style.css': final });
  });

  it('sends a new file once, complete, when it is created empty and written slowly', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 {}' });
    const seen = watchWhatPagesSee(site, '/generated.html');
    const final = html(300, 'gen');
    await slowWrite(path.join(site.root, 'generated.html'), final, 10, 3);
    const messages = await site.settle(1);
    expect(messages).toMatchObject([{ kind: 'reload', paths: ['/generated.html'] }]);
    expect(await Promise.all(seen)).toEqual([expect.stringContaining(`${final}<script`)]);
  });

  it('gives each of several slow saves in a row exactly one message', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 {}' });
    const seen = watchWhatPagesSee(site, '/index.html');
    for (let save = 1; save <= 3; save++) {
      await slowWrite(path.join(site.root, 'index.html'), html(150, `s${save}`), 5, 10 + save, 20);
      await site.settle(save);
      // What a page reloading now fetches, before the next save truncates the file under it.
      await Promise.all(seen);
    }
    expect(site.changes()).toHaveLength(3);
    const pages = await Promise.all(seen);
    expect(pages.map((page) => /<h1>end (s\d)<\/h1>/.exec(page)?.[1])).toEqual(['s1', 's2', 's3']);
  });
});
