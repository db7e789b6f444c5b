// Finds a Chromium or Chrome for the browser tests and the bench. Order: DEVPUSH_CHROMIUM, CHROME_PATH,
// then the usual install locations and names on PATH. With `--install`, a machine without one that
// runs as root with apt-get gets Debian's `chromium`; anywhere else it says in one line what to do.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const PLACES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium() {
  for (const variable of ['DEVPUSH_CHROMIUM', 'CHROME_PATH']) {
    const value = process.env[variable];
    if (value && executable(value)) return value;
  }
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of NAMES) {
    for (const dir of onPath) if (executable(path.join(dir, name))) return path.join(dir, name);
  }
  return PLACES.find(executable) ?? null;
}

function canApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && findOnPath('apt-get');
}

function findOnPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => executable(path.join(dir, name)));
}

/** Returns a browser path, installing Debian's chromium when that is possible; null otherwise. */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (!canApt()) return null;
  console.log("No Chromium found; installing Debian's chromium with apt-get (needed for the browser tests)...");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  return findChromium();
}

export const HOW_TO_GET_ONE =
  'No Chromium or Chrome found for the browser tests: install one (Debian/Ubuntu: sudo apt-get install chromium) ' +
  'or set DEVPUSH_CHROMIUM=/path/to/chrome.';
