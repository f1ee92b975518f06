import fs from 'node:fs';
import { GangflashError } from '../../errors.js';
import type { PreflightContext, PreflightIssue, ProgrammerSpec } from '../spec.js';
import type { BlockdevOptions } from './options.js';
import { checkTarget } from './safety.js';

/** Folders of the running system: a plain file under one of them (after resolving links) is never a target. */
const SYSTEM_FOLDERS = ['/bin', '/boot', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sbin', '/sys', '/usr', '/var/lib', '/var/log'];

type Stat = fs.BigIntStats;

function statOf(file: string): Stat | undefined {
  try {
    return fs.statSync(file, { bigint: true });
  } catch {
    return undefined;
  }
}

/** Major:minor of a device number (glibc encoding), as /sys/dev/block names it. */
function devName(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** The file behind a loop block device, or undefined when the device is not a loop device. */
function loopBacking(rdev: bigint): string | undefined {
  try {
    return fs.readFileSync(`/sys/dev/block/${devName(rdev)}/loop/backing_file`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Loop devices whose backing file is the file `st` (a plain file that backs a loop device is in use). */
function loopsBackedBy(st: Stat): string[] {
  let names: string[];
  try {
    names = fs.readdirSync('/sys/block').filter((n) => n.startsWith('loop'));
  } catch {
    return [];
  }
  return names.filter((n) => {
    try {
      const b = statOf(fs.readFileSync(`/sys/block/${n}/loop/backing_file`, 'utf8').trim());
      return b !== undefined && b.dev === st.dev && b.ino === st.ino;
    } catch {
      return false;
    }
  });
}

/** Mount points from /proc/self/mounts (octal escapes decoded). */
function mountPoints(): string[] {
  try {
    return fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1])
      .filter((m): m is string => !!m)
      .map((m) => m.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  } catch {
    return [];
  }
}

const same = (a: Stat, b: Stat) => a.dev === b.dev && a.ino === b.ino;

/** Why one existing target must not be written, by identity (device and inode), or undefined. */
function refuse(target: string, st: Stat, ctx: PreflightContext): PreflightIssue | undefined {
  for (const p of ctx.protectedFiles) {
    const ps = statOf(p.path);
    if (!ps) continue;
    if (same(st, ps)) return { code: 'target-is-gangflash-file', message: `${target} is ${p.what} (${p.path}: same device and inode); a target is never gangflash's own data` };
    if (st.isBlockDevice() && ps.dev === st.rdev) return { code: 'target-is-gangflash-file', message: `${target} is the device that holds ${p.what} (${p.path})` };
    if (st.isBlockDevice()) {
      const backing = loopBacking(st.rdev);
      const bs = backing === undefined ? undefined : statOf(backing);
      if (bs && same(bs, ps)) return { code: 'target-is-gangflash-file', message: `${target} is a loop device over ${p.what} (${p.path})` };
    }
  }
  if (st.isBlockDevice()) {
    // By device number, whatever the node is called: the device of / and of every mounted file system.
    if (statOf('/')?.dev === st.rdev) return { code: 'target-is-system-disk', message: `${target} is the device the system's root file system is on; refusing to write it` };
    const at = mountPoints().find((m) => statOf(m)?.dev === st.rdev);
    if (at !== undefined) return { code: 'target-mounted', message: `${target} is the device of the file system mounted on ${at}; unmount it first` };
  }
  if (st.isFile()) {
    const real = fs.realpathSync(target);
    const sys = SYSTEM_FOLDERS.find((d) => real === d || real.startsWith(`${d}/`));
    if (sys) return { code: 'target-system-file', message: `${target} is a file of the running system (${real}, under ${sys}); a plain-file target is an image file of your own` };
    if (st.nlink > 1n) return { code: 'target-hard-linked', message: `${target} shares its inode with ${st.nlink - 1n} other path(s) (hard links); give a file of its own` };
    const loops = loopsBackedBy(st);
    if (loops.length) return { code: 'target-mounted', message: `${target} backs loop device ${loops.join(', ')}; detach it first (losetup -d)` };
  }
  return undefined;
}

/**
 * Refuses, before a run, every blockdev target that is missing on a site in use, is (or shares an inode with, or is
 * the device holding) one of gangflash's own files, is a system file, a hard link, a mounted or system disk, or not a
 * block device or plain file. Each issue names the programmer, the site and the rule (its code).
 */
export function preflightTargets(spec: ProgrammerSpec, o: BlockdevOptions, ctx: PreflightContext): PreflightIssue[] {
  const out: PreflightIssue[] = [];
  const seen: { site: number; st: Stat }[] = [];
  o.targets.forEach((target, site) => {
    const at = `programmer ${spec.name} site ${site}: blockdev target`;
    const st = statOf(target);
    if (!st) {
      if (ctx.usedSites.includes(site)) out.push({ code: 'target-missing', message: `${at} ${target} does not exist; plug the reader in (or create the image file), or unmount the site's adapter` });
      return;
    }
    const twice = seen.find((s) => same(s.st, st));
    if (twice) {
      out.push({ code: 'target-twice', message: `${at} ${target} is the same device or file as site ${twice.site}'s; give each site its own target` });
      return;
    }
    seen.push({ site, st });
    const issue = refuse(target, st, ctx);
    if (issue) return out.push({ code: issue.code, message: `${at} ${issue.message}` });
    try {
      checkTarget(target);
    } catch (e) {
      if (!(e instanceof GangflashError)) throw e;
      out.push({ code: e.code, message: `programmer ${spec.name} site ${site}: ${e.message}` });
    }
  });
  return out;
}

/** Blockdev options that disagree with the spec: one target per site. */
export function checkTargetCount(spec: ProgrammerSpec, o: BlockdevOptions): { path: (string | number)[]; message: string }[] {
  if (o.targets.length === spec.sites) return [];
  return [{ path: ['targets'], message: `lists ${o.targets.length} target(s) for ${spec.sites} sites; give one target per site` }];
}
