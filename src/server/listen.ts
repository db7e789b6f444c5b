import type { Server } from 'node:net';
import { DevpushError } from '../errors.js';

const TRIES = 20;

/**
 * Listens on `port`, moving up to the next free port when it is taken (unless `strict`). Returns the
 * port actually used; `onMoved` hears about each move so the user is told.
 */
export async function listen(
  server: Server,
  host: string,
  port: number,
  strict: boolean,
  onMoved: (from: number, to: number) => void,
): Promise<number> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const candidate = port === 0 ? 0 : port + attempt;
    try {
      await listenOnce(server, host, candidate);
      const bound = (server.address() as { port: number }).port;
      if (attempt > 0) onMoved(port, bound);
      return bound;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && strict) {
        throw new DevpushError(`Port ${port} is already in use (--strict-port). Free it, or pick another with --port.`);
      }
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        throw new DevpushError(`Cannot listen on host "${host}": no such address on this machine (${code}).`);
      }
      if (code === 'EACCES') {
        throw new DevpushError(`No permission to listen on port ${candidate}. Use a port above 1023: --port 4800`);
      }
      if (code !== 'EADDRINUSE') throw error;
    }
  }
  throw new DevpushError(`Ports ${port} to ${port + TRIES - 1} are all in use. Pick another with --port.`);
}

function listenOnce(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
