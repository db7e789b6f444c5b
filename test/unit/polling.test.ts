import { describe, expect, it } from 'vitest';
import { decidePolling, mountOf, parseMountTable, whyPoll, type PollingInputs } from '../../src/watch/polling.js';

// Real-world shapes of /proc/self/mounts.
const WSL2 = [
  'none /mnt/wsl tmpfs rw,relatime 0 0',
  '/dev/sdc / ext4 rw,relatime,discard,errors=remount-ro,data=ordered 0 0',
  'C:\\134 /mnt/c 9p rw,noatime,dirsync,aname=drvfs;path=C:\\134;uid=1000;gid=1000;symlinkroot=/mnt/,mmap,access=client,msize=65536,trans=fd,rfd=5,wfd=5 0 0',
  'drvfs /mnt/d 9p rw,noatime,dirsync,aname=drvfs;path=D:\\134;uid=1000;gid=1000 0 0',
].join('\n');
const WSL1 = ['rootfs / lxfs rw,noatime 0 0', 'C: /mnt/c drvfs rw,noatime,uid=1000,gid=1000,case=off 0 0'].join('\n');
const DOCKER = [
  'overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/X:/var/lib/docker/overlay2/l/Y,upperdir=/u,workdir=/w 0 0',
  '/dev/sda1 /app ext4 rw,relatime 0 0',
  'grpcfuse /host fuse.grpcfuse rw,nosuid,nodev,relatime,user_id=0,group_id=0,allow_other,max_read=1048576 0 0',
].join('\n');
const NETWORK = [
  '/dev/nvme0n1p2 / ext4 rw,relatime 0 0',
  'fileserver:/export/home /home nfs4 rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,hard,proto=tcp 0 0',
  '//nas/share /srv/share cifs rw,relatime,vers=3.1.1,cache=strict,username=me 0 0',
  'me@box:/site /home/me/remote\\040site fuse.sshfs rw,nosuid,nodev,relatime,user_id=1000,group_id=1000 0 0',
  '/dev/nvme0n1p3 /home/me/local ext4 rw,relatime 0 0',
].join('\n');

const inputs = (overrides: Partial<PollingInputs>): PollingInputs => ({
  configured: 'auto',
  env: undefined,
  folders: ['/home/me/site'],
  mountTable: '',
  interval: 100,
  ...overrides,
});

describe('parseMountTable', () => {
  it('reads device, mount point, type and options, undoing octal escapes', () => {
    const mounts = parseMountTable(NETWORK);
    expect(mounts).toHaveLength(5);
    expect(mounts[3]).toEqual({
      device: 'me@box:/site',
      mountPoint: '/home/me/remote site',
      type: 'fuse.sshfs',
      options: 'rw,nosuid,nodev,relatime,user_id=1000,group_id=1000',
    });
    expect(parseMountTable(WSL2)[2]!.device).toBe('C:\\');
  });

  it('skips blank and short lines', () => {
    expect(parseMountTable('\n  \nnonsense\n/dev/sda1 / ext4 rw 0 0\n')).toHaveLength(1);
  });
});

describe('mountOf', () => {
  const mounts = parseMountTable(NETWORK);
  it('picks the deepest mount point holding the path', () => {
    expect(mountOf('/home/me/local/site', mounts)?.type).toBe('ext4');
    expect(mountOf('/home/me/site', mounts)?.type).toBe('nfs4');
    expect(mountOf('/home/me/remote site/index.html', mounts)?.type).toBe('fuse.sshfs');
    expect(mountOf('/etc', mounts)?.mountPoint).toBe('/');
  });

  it('does not take a sibling with a common prefix for a parent', () => {
    expect(mountOf('/home/me/localized', mounts)?.type).toBe('nfs4');
  });

  it('takes the later of two mounts on the same point (mounted over)', () => {
    const stacked = parseMountTable('/dev/a /data ext4 rw 0 0\nserver:/x /data nfs rw 0 0');
    expect(mountOf('/data/file', stacked)?.type).toBe('nfs');
  });
});

describe('whyPoll', () => {
  it('names WSL drives, network and FUSE mounts; trusts local ones', () => {
    const types = (table: string) => parseMountTable(table).map((mount) => [mount.mountPoint, whyPoll(mount)]);
    expect(types(WSL2)).toEqual([
      ['/mnt/wsl', null],
      ['/', null],
      ['/mnt/c', 'a Windows drive seen from WSL (9p)'],
      ['/mnt/d', 'a Windows drive seen from WSL (9p)'],
    ]);
    expect(types(WSL1)[1]).toEqual(['/mnt/c', 'a Windows drive seen from WSL (drvfs)']);
    expect(types(DOCKER)).toEqual([
      ['/', null],
      ['/app', null],
      ['/host', null],
    ]);
    expect(types(NETWORK).map(([, why]) => why)).toEqual([
      null,
      'a network mount (nfs4)',
      'a network mount (cifs)',
      'a FUSE mount (fuse.sshfs)',
      null,
    ]);
  });

  it('treats 9p that is not a Windows drive as a folder shared from the host', () => {
    const [mount] = parseMountTable('hostshare /src 9p rw,trans=virtio,version=9p2000.L 0 0');
    expect(whyPoll(mount!)).toBe('a folder shared from the host (9p)');
  });
});

describe('decidePolling', () => {
  it('uses native events on a local disk and says nothing', () => {
    expect(decidePolling(inputs({ mountTable: NETWORK, folders: ['/home/me/local/site'] }))).toEqual({
      usePolling: false,
      notice: null,
    });
  });

  it('switches to polling on a WSL Windows drive and says why in one line', () => {
    const decision = decidePolling(inputs({ mountTable: WSL2, folders: ['/mnt/c/Users/me/site'] }));
    expect(decision.usePolling).toBe(true);
    expect(decision.notice).toBe(
      'Watching by polling every 100 ms: /mnt/c/Users/me/site is on a Windows drive seen from WSL (9p), ' +
        'where file events do not arrive (watch.usePolling: false turns this off).',
    );
    expect(decision.notice).not.toContain('\n');
  });

  it('polls when any watched folder needs it (an extra path on a network share)', () => {
    const decision = decidePolling(inputs({ mountTable: NETWORK, folders: ['/home/me/local/site', '/srv/share/lib'] }));
    expect(decision).toMatchObject({ usePolling: true });
    expect(decision.notice).toContain('/srv/share/lib is on a network mount (cifs)');
  });

  it('obeys an explicit watch.usePolling over the mount table', () => {
    expect(decidePolling(inputs({ configured: false, mountTable: WSL2, folders: ['/mnt/c/site'] }))).toEqual({
      usePolling: false,
      notice: null,
    });
    expect(decidePolling(inputs({ configured: true, interval: 250 }))).toEqual({
      usePolling: true,
      notice: 'Watching by polling every 250 ms (watch.usePolling).',
    });
  });

  it('lets DEVPUSH_POLLING win over the config and the mount table', () => {
    expect(decidePolling(inputs({ env: '1', configured: false }))).toEqual({
      usePolling: true,
      notice: 'Watching by polling every 100 ms (DEVPUSH_POLLING=1).',
    });
    expect(decidePolling(inputs({ env: 'false', mountTable: WSL2, folders: ['/mnt/c/site'] }))).toEqual({
      usePolling: false,
      notice: null,
    });
  });

  it('says so and ignores a DEVPUSH_POLLING value it does not understand', () => {
    expect(decidePolling(inputs({ env: 'maybe' }))).toEqual({
      usePolling: false,
      notice: 'DEVPUSH_POLLING=maybe is not understood (use 1 or 0); ignoring it.',
    });
  });

  it('uses native events where there is no mount table (macOS, Windows)', () => {
    expect(decidePolling(inputs({ mountTable: '' }))).toEqual({ usePolling: false, notice: null });
  });
});
