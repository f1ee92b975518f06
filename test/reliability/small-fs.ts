import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A small file system the test mounted itself, or why none could be made. */
export type SmallFs = { dir: string; kind: 'tmpfs' | 'loop'; unmount: () => void } | { dir: null; reason: string };

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Mounts a size-limited tmpfs (or, failing that, a loop-mounted ext4 file) of `kib` KiB in a fresh temp folder. */
export function mountSmallFs(kib: number): SmallFs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-smallfs-'));
  const tried: string[] = [];
  const cleanup = (extra?: string) => () => {
    try {
      sh('umount', [dir]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      if (extra) fs.rmSync(extra, { force: true });
    }
  };
  try {
    sh('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]);
    return { dir, kind: 'tmpfs', unmount: cleanup() };
  } catch (e) {
    tried.push(`tmpfs: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`);
  }
  const img = `${dir}.img`;
  try {
    fs.writeFileSync(img, '');
    fs.truncateSync(img, kib * 1024);
    sh('mkfs.ext4', ['-q', '-F', img]);
    sh('mount', ['-o', 'loop', img, dir]);
    return { dir, kind: 'loop', unmount: cleanup(img) };
  } catch (e) {
    tried.push(`loop file: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(img, { force: true });
  return { dir: null, reason: `cannot mount a small file system here (${tried.join('; ')})` };
}

/** Fills `dir`'s file system with a filler file so that about `leaveKib` KiB stay free; returns the filler's path. */
export function fillDisk(dir: string, leaveKib: number): string {
  const st = fs.statfsSync(dir);
  const free = Number(st.bavail) * Number(st.bsize);
  const filler = path.join(dir, 'filler.bin');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 << 10, 0x5a);
  let left = free - leaveKib * 1024;
  try {
    while (left > 0) left -= fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

/** Remounts a mounted small file system read-only (true) or read-write (false). */
export function remount(dir: string, readOnly: boolean): void {
  sh('mount', ['-o', `remount,${readOnly ? 'ro' : 'rw'}`, dir]);
}
