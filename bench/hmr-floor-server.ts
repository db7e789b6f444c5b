// The floor for the HMR figures, run as a child process: the least any HMR server does for a saved module,
// and nothing more. It serves the project's TypeScript modules through esbuild's transform (no cache, no
// import rewriting, no graph, no versions), and on every `fs.watch` event of a module tells the page over
// a WebSocket to import it again; the page's client is one line. It does not wait for a save to finish, so it
// may fetch a half-written file once (the page shows the value only when the whole file ran): a floor, not
// a server to use. The same Chromium and the same probe measure it, so the difference to devpush's figure is
// devpush's and the rest is this machine and this browser.
import { existsSync, readFileSync, watch } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { transform } from 'esbuild';
import { WebSocketServer } from 'ws';

export type HmrFloorReply = { type: 'listening'; port: number };

const root = process.argv[2]!;
const CLIENT =
  '<script type="module">new WebSocket(`ws://${location.host}/`).onmessage = (e) => import(e.data);</script>';
// Every module may ask for `import.meta.hot`; the floor's accepts everything (the page re-imports by itself).
const PRELUDE = 'import.meta.hot = { accept() {} };\n';

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
let imports = 0;

async function moduleBody(file: string): Promise<string> {
  const source = readFileSync(file, 'utf8');
  if (file.endsWith('.css'))
    return `document.head.append(Object.assign(document.createElement('style'), { textContent: ${JSON.stringify(source)} }));`;
  return PRELUDE + (await transform(source, { loader: 'ts', format: 'esm' })).code;
}

const server = http.createServer((req, res) => {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://floor').pathname);
  if (pathname === '/') {
    const page = readFileSync(path.join(root, 'index.html'), 'utf8').replace('</body>', `${CLIENT}</body>`);
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    return;
  }
  let file = path.join(root, pathname);
  if (!existsSync(file)) file += '.ts'; // the projects import without extensions
  moduleBody(file).then(
    (body) => res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' }).end(body),
    () => res.writeHead(404).end(),
  );
});
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => {}));

watch(path.join(root, 'src'), { recursive: true }, (_event, name) => {
  if (!name?.endsWith('.ts')) return;
  const url = `/src/${name.split(path.sep).join('/')}?t=${++imports}`;
  for (const client of wss.clients) client.send(url);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send!({ type: 'listening', port } satisfies HmrFloorReply);
});
process.on('disconnect', () => process.exit(0));
