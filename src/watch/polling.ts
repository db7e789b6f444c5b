import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../fs/inside.js';

/** One line of the mount table (`/proc/self/mounts`). */
export interface Mount {
  device: string;
  mountPoint: string;
  type: string;
  options: string;
}

/** Whether to poll, and the one start-up line that says why (null: native events, nothing to say). */
export interface PollingDecision {
  usePolling: boolean;
  notice: string | null;
}

export interface PollingInputs {
  /** `watch.usePolling` as resolved from the config. */
  configured: boolean | 'auto';
  /** The value of DEVPUSH_POLLING, if set. */
  env: string | undefined;
  /** The folders to watch (the served one first). */
  folders: readonly string[];
  /** The mount table's text ('' where there is none, e.g. macOS or Windows). */
  mountTable: string;
  interval: number;
}

export const POLLING_ENV = 'DEVPUSH_POLLING';

// File systems where the kernel does not see the writes, so inotify stays silent: network mounts,
// host folders shared into a VM or WSL, and user-space (FUSE) mounts such as sshfs.
const NETWORK = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  'ncpfs',
  'afs',
  'ceph',
  'glusterfs',
  'lustre',
  'davfs',
]);
const SHARED_FROM_HOST = new Set(['9p', 'drvfs', 'vboxsf', 'vmhgfs', 'prl_fs']);
// FUSE mounts known to deliver events for changes made elsewhere (Docker Desktop forwards them).
const FUSE_WITH_EVENTS = new Set(['fuse.grpcfuse']);

/** Parses `/proc/self/mounts` (fields separated by spaces, with \040-style octal escapes). */
export function parseMountTable(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [device, mountPoint, type, options] = line.trim().split(/\s+/);
    if (!device || !mountPoint || !type) continue;
    mounts.push({ device: unescapeOctal(device), mountPoint: unescapeOctal(mountPoint), type, options: options ?? '' });
  }
  return mounts;
}

function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8)));
}

/** The mount a path lives on: the longest mount point containing it (the last one wins when mounted over). */
export function mountOf(file: string, mounts: readonly Mount[]): Mount | null {
  let best: Mount | null = null;
  for (const mount of mounts) {
    const inside = isInside(mount.mountPoint, file, path.posix);
    if (inside && (!best || mount.mountPoint.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/** Why native file events cannot be trusted on this mount, in words for the user; null when they can. */
export function whyPoll(mount: Mount): string | null {
  const { type, options } = mount;
  if (type === 'drvfs' || (type === '9p' && /(^|[,;])aname=drvfs/.test(options)))
    return `a Windows drive seen from WSL (${type})`;
  if (SHARED_FROM_HOST.has(type)) return `a folder shared from the host (${type})`;
  if (NETWORK.has(type)) return `a network mount (${type})`;
  if ((type === 'fuse' || type.startsWith('fuse.')) && !FUSE_WITH_EVENTS.has(type)) return `a FUSE mount (${type})`;
  return null;
}

/** Reads an on/off environment value; null when it is neither. */
function parseSwitch(value: string): boolean | null {
  const normalized = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true;
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false;
  return null;
}

/**
 * Decides between native events and polling. The environment wins (it is what a container or CI sets),
 * then an explicit `watch.usePolling`, then what the mount table says about each watched folder.
 */
export function decidePolling(inputs: PollingInputs): PollingDecision {
  const every = `every ${inputs.interval} ms`;
  if (inputs.env !== undefined && inputs.env !== '') {
    const forced = parseSwitch(inputs.env);
    if (forced === null) {
      const rest = decidePolling({ ...inputs, env: undefined });
      const warning = `${POLLING_ENV}=${inputs.env} is not understood (use 1 or 0); ignoring it.`;
      return { usePolling: rest.usePolling, notice: rest.notice ? `${warning} ${rest.notice}` : warning };
    }
    return {
      usePolling: forced,
      notice: forced ? `Watching by polling ${every} (${POLLING_ENV}=${inputs.env}).` : null,
    };
  }
  if (inputs.configured !== 'auto') {
    return {
      usePolling: inputs.configured,
      notice: inputs.configured ? `Watching by polling ${every} (watch.usePolling).` : null,
    };
  }
  const mounts = parseMountTable(inputs.mountTable);
  for (const folder of inputs.folders) {
    const mount = mountOf(folder, mounts);
    const reason = mount && whyPoll(mount);
    if (reason) {
      return {
        usePolling: true,
        notice: `Watching by polling ${every}: ${folder} is on ${reason}, where file events do not arrive (watch.usePolling: false turns this off).`,
      };
    }
  }
  return { usePolling: false, notice: null };
}

/** The mount table of this process, or '' where there is none. */
export function readMountTable(): string {
  try {
    return readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return '';
  }
}

/** A folder's real location (the mount table lists real paths, not symlinks). */
export function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}
