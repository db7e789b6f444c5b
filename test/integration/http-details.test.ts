import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type DevServer } from '../../src/index.js';
import { removeTempProjects, tempProject } from '../helpers/fixture.js';

// What users hit beyond plain GETs: byte ranges (video and audio seeking), HEAD answered as its GET,
// and names with spaces and non-ASCII letters on every route.

const BYTES = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(65 + (i % 26))).join('');

let server: DevServer;
let base: string;

beforeAll(async () => {
  const root = tempProject({
    'index.html': '<!doctype html><h1>home</h1>',
    'clip.bin': BYTES,
    'my folder/vidéo clip.txt': 'spaces and accents',
    'dossier été/index.html': '<!doctype html><head></head><p>été</p>',
    'src dir/maïn.ts': 'const greeting: string = "bonjour"; document.title = greeting;\n',
    'app page.html':
      '<!doctype html><head><script type="module" src="/src%20dir/ma%C3%AFn.ts"></script></head><p>app</p>',
  });
  server = await createServer({ root, configFile: false, server: { port: 0 }, logLevel: 'silent' });
  base = server.url.replace('localhost', '127.0.0.1');
});

afterAll(async () => {
  await server?.close();
  removeTempProjects();
});

const get = (urlPath: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(new URL(urlPath, base), { headers, method, redirect: 'manual' });

describe('Range requests', () => {
  it('says it takes byte ranges, and answers a whole file with 200', async () => {
    const response = await get('/clip.bin');
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(await response.text()).toBe(BYTES);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-10', 990, 999],
    ['bytes=500-5000', 500, 999],
  ])('%s → 206 with its Content-Range and exactly those bytes', async (range, start, end) => {
    const response = await get('/clip.bin', { Range: range });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(await response.text()).toBe(BYTES.slice(start, end + 1));
  });

  it('answers a range past the end with 416 and the size', async () => {
    const response = await get('/clip.bin', { Range: 'bytes=2000-3000' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */1000');
  });

  it('answers a malformed range, or a stale If-Range, with the whole file', async () => {
    expect((await get('/clip.bin', { Range: 'lines=1-2' })).status).toBe(200);
    expect((await get('/clip.bin', { Range: 'bytes=0-1', 'If-Range': 'W/"old"' })).status).toBe(200);
  });
});

describe('HEAD answers as its GET, without the body', () => {
  it.each([
    '/clip.bin',
    '/index.html',
    '/',
    '/dossier%20%C3%A9t%C3%A9/',
    '/__devpush/client.js',
    '/src%20dir/ma%C3%AFn.ts',
    '/missing.html',
  ])('%s', async (urlPath) => {
    if (urlPath.endsWith('.ts')) await get('/app%20page.html'); // discovers the entry
    const [head, full] = [await get(urlPath, {}, 'HEAD'), await get(urlPath)];
    const body = await full.arrayBuffer();
    expect(head.status).toBe(full.status);
    for (const name of ['content-type', 'content-length', 'etag', 'cache-control', 'accept-ranges', 'location']) {
      // An HTML page carries the cursor of the moment it was served: its length may differ by a digit.
      if (name === 'content-length' && full.headers.get('content-type')?.startsWith('text/html')) continue;
      expect([name, head.headers.get(name)]).toEqual([name, full.headers.get(name)]);
    }
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    if (full.headers.get('content-length')) expect(body.byteLength).toBe(Number(full.headers.get('content-length')));
  });
});

describe('names with spaces and non-ASCII letters', () => {
  it('serves a file in a folder with a space, named with an accent', async () => {
    const response = await get('/my%20folder/vid%C3%A9o%20clip.txt');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('spaces and accents');
  });

  it('redirects a folder to its slash with the name still encoded, and injects the client into its page', async () => {
    const redirect = await get('/dossier%20%C3%A9t%C3%A9');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/dossier%20%C3%A9t%C3%A9/');
    const page = await (await get('/dossier%20%C3%A9t%C3%A9/')).text();
    expect(page).toContain('<p>été</p>');
    expect(page).toContain('/__devpush/client.js');
  });

  it('builds a TypeScript entry whose folder and name have a space and an accent', async () => {
    await get('/app%20page.html');
    const response = await get('/src%20dir/ma%C3%AFn.ts');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(await response.text()).toContain('bonjour');
  });
});
