import { execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from '../../src/index.js';
import type { ReloadMessage, ServerMessage } from '../../src/protocol.js';
import { fetchToken, WsProbe } from '../helpers/channel.js';
import { killAll, startCli } from '../helpers/cli.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';
import { closeWatchedSites, sleep, watchedSite } from '../helpers/watch.js';

afterEach(closeWatchedSites);
afterAll(removeTempProjects);

const PAGE = '<!doctype html><link rel="stylesheet" href="/style.css"><h1>one</h1>';

function reloadPaths(messages: ServerMessage[]): string[] {
  return messages.flatMap((m) => (m.kind === 'reload' ? (m as ReloadMessage).paths : [])).sort();
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'pipe' });
}

/** Runs git as its own process, as a user's checkout would, without blocking this one's event loop. */
function gitAsync(cwd: string, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} exited ${code}`))));
  });
}

describe('bursts', () => {
  it('turns a 500-file git checkout into exactly one message', async () => {
    const files: Record<string, string> = { 'index.html': PAGE };
    for (let i = 0; i < 500; i++) files[`pages/d${i % 10}/p${i}.html`] = `<p>one ${i}</p>`;
    const root = tempProject(files);
    git(root, 'init', '-q', '-b', 'one');
    git(root, 'config', 'user.email', 'test@devpush.invalid');
    git(root, 'config', 'user.name', 'test');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    git(root, 'checkout', '-qb', 'two');
    for (let i = 0; i < 500; i++) writeFileSync(path.join(root, `pages/d${i % 10}/p${i}.html`), `<p>two ${i}</p>`);
    git(root, 'commit', '-qam', 'two');
    git(root, 'checkout', '-q', 'one');

    const site = await watchedSite({}, { root });
    await gitAsync(root, 'checkout', '-q', 'two');
    const messages = await site.settle(1);
    expect(messages.map((m) => m.kind)).toEqual(['reload']);
    expect(reloadPaths(messages)).toHaveLength(500);
    expect(await site.fetchText('/pages/d3/p13.html')).toContain('two 13');
  });

  it('sends one reload, not a swap then a reload, for CSS and HTML saved together', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: blue }');
    writeFileSync(path.join(site.root, 'index.html'), PAGE.replace('one', 'two'));
    const messages = await site.settle(1);
    // The reload wins: the stylesheet comes with the reloaded page, and the message still names it. (A
    // stylesheet goes out at first sight when nothing came with it within a moment: on a loaded machine
    // the page's event can come later, and then a swap of the stylesheet alone may precede the reload.)
    const reloads = messages.filter((m) => m.kind === 'reload');
    expect(reloads).toHaveLength(1);
    expect(messages.at(-1)).toBe(reloads[0]);
    expect(messages.slice(0, -1)).toEqual(
      messages.slice(0, -1).map(() => expect.objectContaining({ kind: 'css', paths: ['/style.css'] })),
    );
    expect(reloadPaths(reloads).sort()).toEqual(['/index.html', '/style.css']);
  });

  it('still swaps a stylesheet alone in place', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: blue }');
    const messages = await site.settle(1);
    // Once (its first sight and the check after the quiet window agree), with its text for the page.
    expect(messages).toEqual([
      expect.objectContaining({ kind: 'css', paths: ['/style.css'], texts: { '/style.css': 'h1 { color: blue }' } }),
    ]);
  });

  it('sends no text with a stylesheet too large to ride with its message', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    writeFileSync(path.join(site.root, 'style.css'), `h1 { color: blue }\n/* ${'x'.repeat(40_000)} */\n`);
    const messages = await site.settle(1);
    expect(messages).toEqual([expect.objectContaining({ kind: 'css', paths: ['/style.css'] })]);
    expect(messages[0]).not.toHaveProperty('texts');
  });
});

describe('complete writes only', () => {
  it('waits out a truncate-then-write and serves the final bytes', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    const file = path.join(site.root, 'index.html');
    truncateSync(file, 0);
    await sleep(40);
    writeFileSync(file, PAGE.replace('one', 'final'));
    const messages = await site.settle(1);
    expect(messages.map((m) => m.kind)).toEqual(['reload']);
    expect(await site.fetchText('/index.html')).toContain('<h1>final</h1>');
  });

  it('treats a save by rename (temp file renamed over the page) as one change', async () => {
    const site = await watchedSite({ 'index.html': PAGE });
    const file = path.join(site.root, 'index.html');
    // write-file-atomic style: a sibling temp file, then rename over.
    writeFileSync(`${file}.3141592653`, PAGE.replace('one', 'renamed'));
    renameSync(`${file}.3141592653`, file);
    const messages = await site.settle(1);
    expect(messages).toMatchObject([{ kind: 'reload', paths: ['/index.html'] }]);
    expect(await site.fetchText('/index.html')).toContain('<h1>renamed</h1>');
  });

  it('treats vim and JetBrains saves (move the old file away, write anew) as one change', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'about.html': '<p>about</p>' });
    const page = path.join(site.root, 'index.html');
    // vim (backupcopy=no): rename to a backup, write a new file, delete the backup.
    renameSync(page, `${page}~`);
    await sleep(5);
    writeFileSync(page, PAGE.replace('one', 'vim'));
    unlinkSync(`${page}~`);
    expect(await site.settle(1)).toMatchObject([{ kind: 'reload', paths: ['/index.html'] }]);
    // JetBrains "safe write": write x___jb_tmp___, move x to x___jb_old___, move the temp to x, delete the old.
    const about = path.join(site.root, 'about.html');
    writeFileSync(`${about}___jb_tmp___`, '<p>about, safely</p>');
    renameSync(about, `${about}___jb_old___`);
    renameSync(`${about}___jb_tmp___`, about);
    unlinkSync(`${about}___jb_old___`);
    const messages = await site.settle(2);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toMatchObject({ kind: 'reload', paths: ['/about.html'] });
    expect(await site.fetchText('/about.html')).toContain('<p>about, safely</p>');
  });

  it('waits for a large file written in chunks and sends it once, complete', async () => {
    const site = await watchedSite({ 'index.html': PAGE });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const stream = createWriteStream(path.join(site.root, 'data.txt'));
    for (let i = 0; i < 96; i++) {
      if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      await new Promise<void>((resolve) => setImmediate(() => resolve()));
    }
    await new Promise<void>((resolve) => stream.end(() => resolve()));
    const messages = await site.settle(1);
    expect(messages).toMatchObject([{ kind: 'reload', paths: ['/data.txt'] }]);
    expect((await site.fetchText('/data.txt')).length).toBe(96 * 64 * 1024);
  });
});

describe('no-op saves', () => {
  it('sends nothing when a save leaves the bytes as they were, even the first save after start', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    writeFileSync(path.join(site.root, 'index.html'), PAGE);
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: red }');
    expect(await site.settle(0)).toEqual([]);
    expect((await site.watchStats()).unchanged).toBe(2);
    // A real change afterwards: the only message is about it (so the watcher was listening all along).
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: green }');
    expect(await site.settle(1)).toMatchObject([{ kind: 'css', paths: ['/style.css'] }]);
    // Not waiting for an outcome: a same-bytes save within 1 s of a change is reported on purpose (next test).
    await sleep(1100);
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: green }');
    expect(await site.settle(1)).toHaveLength(1);
    expect((await site.watchStats()).unchanged).toBe(3);
  });

  it('reports a same-bytes rewrite right after a change: a rebuild may have read it truncated', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 { color: red }' });
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: green }');
    // Rewritten as soon as the change arrives (settle's marker round trip can outlast the rewrite window
    // of one second on a loaded machine, and then the same bytes are rightly news to nobody).
    expect(await site.arrived(1)).toMatchObject([{ kind: 'css', paths: ['/style.css'] }]);
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: green }');
    expect(await site.settle(2)).toMatchObject([{ kind: 'css' }, { kind: 'css', paths: ['/style.css'] }]);
  });
});

describe('every kind of event', () => {
  it('reloads for an added file, a deleted file and a rename', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'style.css': 'h1 {}', 'old.html': '<p>old</p>' });
    writeFileSync(path.join(site.root, 'new.html'), '<p>new</p>');
    expect(reloadPaths(await site.settle(1))).toEqual(['/new.html']);
    unlinkSync(path.join(site.root, 'style.css'));
    expect(reloadPaths((await site.settle(2)).slice(1))).toEqual(['/style.css']);
    expect((await fetch(new URL('/style.css', site.base))).status).toBe(404);
    renameSync(path.join(site.root, 'old.html'), path.join(site.root, 'renamed.html'));
    expect(reloadPaths((await site.settle(3)).slice(2))).toEqual(['/old.html', '/renamed.html']);
    // Restored with the very bytes it had: still news to a page that saw it gone.
    writeFileSync(path.join(site.root, 'style.css'), 'h1 {}');
    expect(reloadPaths((await site.settle(4)).slice(3))).toEqual(['/style.css']);
  });

  it('reloads once for a new folder of files and once for a removed folder', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'docs/a.html': '<p>a</p>', 'docs/b.html': '<p>b</p>' });
    mkdirSync(path.join(site.root, 'blog/2026'), { recursive: true });
    writeFileSync(path.join(site.root, 'blog/2026/post.html'), '<p>post</p>');
    const first = await site.settle(1);
    expect(first.map((m) => m.kind)).toEqual(['reload']);
    expect(reloadPaths(first)).toContain('/blog/2026/post.html');
    rmSync(path.join(site.root, 'docs'), { recursive: true });
    const second = (await site.settle(2)).slice(1);
    expect(second.map((m) => m.kind)).toEqual(['reload']);
    expect(reloadPaths(second)).toEqual(expect.arrayContaining(['/docs/a.html', '/docs/b.html']));
  });

  it('follows a folder replaced by a symlink, and keeps watching through it', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'lib/x.js': 'one', 'elsewhere/x.js': 'two' });
    rmSync(path.join(site.root, 'lib'), { recursive: true });
    symlinkSync(path.join(site.root, 'elsewhere'), path.join(site.root, 'lib'), 'dir');
    const first = await site.settle(1);
    expect(first.map((m) => m.kind)).toEqual(['reload']);
    expect(reloadPaths(first)).toContain('/lib/x.js');
    expect(await site.fetchText('/lib/x.js')).toBe('two');
    writeFileSync(path.join(site.root, 'elsewhere/x.js'), 'three');
    // Both URLs the file has now: its own and the one through the symlink.
    expect(reloadPaths((await site.settle(2)).slice(1))).toEqual(['/elsewhere/x.js', '/lib/x.js']);
    expect(await site.fetchText('/lib/x.js')).toBe('three');
  });

  it('survives a storm of files created and deleted at once, then sees the next save', async () => {
    const site = await watchedSite({ 'index.html': PAGE });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) writeFileSync(path.join(site.root, `tmp${i}.html`), 'x');
      for (let i = 0; i < 20; i++) unlinkSync(path.join(site.root, `tmp${i}.html`));
    }
    const before = (await site.settle(0)).length;
    writeFileSync(path.join(site.root, 'index.html'), PAGE.replace('one', 'after the storm'));
    await site.settle(before + 1);
    expect(site.changes().at(-1)).toMatchObject({ kind: 'reload', paths: ['/index.html'] });
  });
});

describe('start-up', () => {
  it('reports a file saved while the first scan was still running', async () => {
    const root = tempProject({ 'index.html': PAGE, 'style.css': 'h1 {}' });
    const server = await createServer({ root, configFile: false, server: { port: 0 }, logLevel: 'silent' });
    try {
      // A browser gets the page, then it is saved at once, before the watcher is ready.
      const base = server.url.replace('localhost', '127.0.0.1');
      const page = await (await fetch(base)).text();
      const since = /data-devpush-since="([^"]+)"/.exec(page)![1]!;
      // File mtimes come from a clock that lags by up to one kernel tick (~4 ms): a save inside the
      // first tick after start-up is the one case this cannot see.
      await sleep(10);
      writeFileSync(path.join(root, 'index.html'), PAGE.replace('one', 'early'));
      const probe = new WsProbe(WsProbe.url(base, await fetchToken(base), `&since=${since}`));
      try {
        await vi.waitFor(() => expect(probe.kinds(), JSON.stringify(probe.messages)).toContain('reload'), {
          timeout: 15_000,
        });
        expect(probe.messages.find((m) => m.kind === 'reload')).toMatchObject({ paths: ['/index.html'] });
      } finally {
        probe.close();
      }
    } finally {
      await server.close();
    }
  });
});

describe('what is watched', () => {
  it('ignores .git, node_modules and editor temp files by default', async () => {
    const site = await watchedSite({ 'index.html': PAGE, 'node_modules/x/index.js': '1', '.git/HEAD': 'ref' });
    writeFileSync(path.join(site.root, 'node_modules/x/index.js'), '2');
    writeFileSync(path.join(site.root, '.git/HEAD'), 'ref2');
    for (const name of [
      '.index.html.swp',
      'index.html~',
      '4913',
      '#index.html#',
      '.#index.html',
      'index.html___jb_tmp___',
      'x.kate-swp',
    ]) {
      writeFileSync(path.join(site.root, name), 'temp');
    }
    expect(await site.settle(0)).toEqual([]);
    writeFileSync(path.join(site.root, 'index.html'), PAGE.replace('one', 'two'));
    expect(await site.settle(1)).toMatchObject([{ kind: 'reload', paths: ['/index.html'] }]);
  });

  it('applies watch.ignore globs and RegExps', async () => {
    const site = await watchedSite(
      { 'index.html': PAGE, 'drafts/a.html': 'a', 'notes.log': 'n' },
      { watch: { ignore: ['drafts/**', /\.log$/] } },
    );
    writeFileSync(path.join(site.root, 'drafts/a.html'), 'a2');
    writeFileSync(path.join(site.root, 'notes.log'), 'n2');
    expect(await site.settle(0)).toEqual([]);
    writeFileSync(path.join(site.root, 'index.html'), PAGE.replace('one', 'two'));
    expect(await site.settle(1)).toMatchObject([{ kind: 'reload', paths: ['/index.html'] }]);
    // A folder this small is watched on the main thread; watch-thread.test.ts applies them in the worker.
    expect((await site.watchStats()).thread).toBe('main');
  });

  it('applies a watch.ignore function (running the watcher on the main thread)', async () => {
    const site = await watchedSite(
      { 'index.html': PAGE, 'secret/a.html': 'a' },
      { watch: { ignore: [(file: string) => file.includes(`${path.sep}secret`)] } },
    );
    expect((await site.watchStats()).thread).toBe('main');
    writeFileSync(path.join(site.root, 'secret/a.html'), 'a2');
    expect(await site.settle(0)).toEqual([]);
    writeFileSync(path.join(site.root, 'index.html'), PAGE.replace('one', 'two'));
    expect(await site.settle(1)).toMatchObject([{ kind: 'reload', paths: ['/index.html'] }]);
  });

  it('watches watch.paths folders outside the served one', async () => {
    const shared = tempProject({ 'theme.css': 'a {}' });
    const site = await watchedSite({ 'index.html': PAGE }, { watch: { paths: [shared] } });
    writeFileSync(path.join(shared, 'theme.css'), 'a { color: red }');
    const messages = await site.settle(1);
    // Named relative to the served folder: a page never learns the machine's absolute paths.
    const named = path.relative(site.root, path.join(shared, 'theme.css')).split(path.sep).join('/');
    expect(messages).toMatchObject([{ kind: 'reload', paths: [named] }]);
    expect(named.startsWith('../')).toBe(true);
    expect(JSON.stringify(site.probe.messages)).not.toContain(shared);
  });
});

describe('polling', () => {
  it('sees changes when watch.usePolling is on', async () => {
    const site = await watchedSite(
      { 'index.html': PAGE, 'style.css': 'h1 {}' },
      { watch: { usePolling: true, interval: 50 } },
    );
    expect((await site.watchStats()).polling).toBe(true);
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: red }');
    expect(await site.settle(1)).toMatchObject([{ kind: 'css', paths: ['/style.css'] }]);
    writeFileSync(path.join(site.root, 'new.html'), 'new');
    expect((await site.settle(2))[1]).toMatchObject({ kind: 'reload', paths: ['/new.html'] });
    // Each file is polled on its own timer (new.html's started later): saved together, still one message.
    await sleep(200);
    writeFileSync(path.join(site.root, 'style.css'), 'h1 { color: blue }');
    writeFileSync(path.join(site.root, 'new.html'), 'newer');
    const third = (await site.settle(3)).slice(2);
    expect(third.map((m) => m.kind)).toEqual(['reload']);
  });

  it('is forced by DEVPUSH_POLLING=1', async () => {
    process.env.DEVPUSH_POLLING = '1';
    try {
      const site = await watchedSite({ 'index.html': PAGE }, { watch: { interval: 50 } });
      expect((await site.watchStats()).polling).toBe(true);
      writeFileSync(path.join(site.root, 'index.html'), PAGE.replace('one', 'polled'));
      expect(await site.settle(1)).toMatchObject([{ kind: 'reload', paths: ['/index.html'] }]);
    } finally {
      delete process.env.DEVPUSH_POLLING;
    }
  });
});

describe('through the CLI', () => {
  afterAll(killAll);

  it('says in one line at start-up that it polls, and why', async () => {
    const root = tempProject({ 'index.html': PAGE });
    const run = await startCli(['serve', root, '--port', '0'], { env: { DEVPUSH_POLLING: '1' } });
    try {
      const lines = run
        .output()
        .split('\n')
        .filter((line) => line.includes('polling'));
      expect(lines).toEqual(['Watching by polling every 100 ms (DEVPUSH_POLLING=1).']);
    } finally {
      await run.stop();
    }
  });

  it('reports a file-system error once and keeps watching', async () => {
    const root = tempProject({ 'index.html': PAGE });
    const run = await startCli(['serve', root, '--port', '0']);
    try {
      const probe = new WsProbe(WsProbe.url(run.url, await fetchToken(run.url)));
      await probe.opened;
      const loop = path.join(root, 'loop.html');
      // A symlink to itself cannot be followed (ELOOP); made again and again, it is still one warning.
      for (let i = 0; i < 5; i++) {
        rmSync(loop, { force: true });
        symlinkSync(loop, loop);
        await sleep(100);
      }
      writeFileSync(path.join(root, 'index.html'), PAGE.replace('one', 'still watched'));
      await vi.waitFor(() => expect(probe.kinds()).toContain('reload'), { timeout: 15_000 });
      const warnings = run
        .output()
        .split('\n')
        .filter((line) => line.includes('loop.html'));
      expect(warnings).toEqual([
        `warning: watcher: ${loop}: a loop of symbolic links (ELOOP); skipping it, everything else is still watched.`,
      ]);
      probe.close();
    } finally {
      await run.stop();
    }
  });
});

describe('timings', () => {
  it("shows the last change set's stage times at /__devpush/status", async () => {
    const site = await watchedSite({ 'index.html': PAGE });
    writeFileSync(path.join(site.root, 'index.html'), PAGE.replace('one', 'two'));
    await site.arrived(1);
    const stats = await site.watchStats();
    expect(stats.changeSets).toBe(1);
    expect(stats.lastChange).toMatchObject({ files: 1 });
    const last = stats.lastChange!;
    expect(last.flushedAt).toBeGreaterThanOrEqual(last.lastEventAt);
    expect(last.delayMs).toBeGreaterThanOrEqual(last.afterLastEventMs);
  });
});
