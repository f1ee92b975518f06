import fs from 'node:fs';
import path from 'node:path';
import { FarmError } from '../../errors.js';

/** What a target path is, once it was found safe to write. */
export interface TargetInfo {
  path: string;
  kind: 'file' | 'block' | 'missing';
  /** Kernel name of a block device (e.g. `sdb`), and of the disk holding it. */
  name?: string;
  disk?: string;
}

/** Major/minor of a device number (glibc encoding), as the "M:m" name /sys/dev/block uses. */
function devName(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** Kernel name and disk name of a block device number, from /sys/dev/block; undefined when sysfs does not know it. */
function sysBlock(dev: bigint): { name: string; disk: string } | undefined {
  const link = `/sys/dev/block/${devName(dev)}`;
  try {
    const real = fs.realpathSync(link);
    const name = path.basename(real);
    const disk = fs.existsSync(path.join(real, 'partition')) ? path.basename(path.dirname(real)) : name;
    return { name, disk };
  } catch {
    return undefined;
  }
}

/** Mount table entries (source, mount point) from /proc/self/mounts and /proc/mounts. */
function mounts(): { source: string; target: string }[] {
  const out: { source: string; target: string }[] = [];
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  for (const f of ['/proc/self/mounts', '/proc/mounts']) {
    let text = '';
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [source, target] = line.split(' ');
      if (source && target) out.push({ source: unescape(source), target: unescape(target) });
    }
  }
  return out;
}

/** The disk the running system's root filesystem lives on. */
function rootDisk(): string | undefined {
  const byDev = sysBlock(fs.statSync('/', { bigint: true }).dev);
  if (byDev) return byDev.disk;
  const root = mounts().find((m) => m.target === '/' && m.source.startsWith('/'));
  try {
    return root ? sysBlock(fs.statSync(root.source, { bigint: true }).rdev)?.disk : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks that a target may be written: not a directory or mount point, not a mounted block device (the device or
 * any of its partitions), not the disk the system runs from. Throws a FarmError naming the target otherwise.
 */
export function checkTarget(target: string): TargetInfo {
  if (!fs.existsSync(target)) return { path: target, kind: 'missing' };
  const real = fs.realpathSync(target);
  const st = fs.statSync(real, { bigint: true });
  const table = mounts();
  const mountedAt = table.find((m) => m.target === real);
  if (mountedAt || st.isDirectory()) {
    throw new FarmError('target-mounted', `blockdev target ${target} is ${mountedAt ? `a mount point (${mountedAt.source})` : 'a directory'}; name a block device or an image file`);
  }
  if (!st.isBlockDevice()) {
    if (!st.isFile()) throw new FarmError('target-not-writable', `blockdev target ${target} is neither a block device nor a plain file`);
    return { path: target, kind: 'file' };
  }
  const me = sysBlock(st.rdev);
  const disk = me?.disk;
  if (disk !== undefined && disk === rootDisk()) {
    throw new FarmError('target-is-system-disk', `blockdev target ${target} is (on) ${disk}, the disk this system runs from; refusing to write it`);
  }
  for (const m of table) {
    if (!m.source.startsWith('/')) continue;
    let hit = false;
    try {
      const s = fs.statSync(m.source, { bigint: true });
      if (s.isBlockDevice()) {
        const other = sysBlock(s.rdev);
        hit = s.rdev === st.rdev || (me !== undefined && other !== undefined && me.name === me.disk && other.disk === me.disk);
      }
    } catch {
      hit = me !== undefined && path.basename(m.source).startsWith(me.name);
    }
    if (hit) throw new FarmError('target-mounted', `blockdev target ${target} is mounted (${m.source} on ${m.target}); unmount it first`);
  }
  return { path: target, kind: 'block', name: me?.name, disk };
}
