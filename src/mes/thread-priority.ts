import fs from 'node:fs';
import os from 'node:os';

/** Env var: the publisher thread's nice value, 0 (as programming) to 19 (only idle time); default 10. */
export const MES_NICE_ENV = 'GANGFLASH_MES_NICE';

/** The publisher's nice value unless GANGFLASH_MES_NICE says otherwise. */
export const DEFAULT_MES_NICE = 10;

/** The nice value GANGFLASH_MES_NICE asks for (0..19), or the default. */
export function mesNice(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MES_NICE_ENV];
  return raw !== undefined && /^\d{1,2}$/.test(raw) && Number(raw) <= 19 ? Number(raw) : DEFAULT_MES_NICE;
}

/**
 * Lowers the calling thread's CPU priority to `nice` (Linux: setpriority on the thread's own id, found through
 * /proc/thread-self), so when the machine's cores are all busy the thread gets what programming leaves. Returns
 * false where that is not possible (another OS, no /proc); the thread then runs at the process's priority.
 */
export function lowerThisThread(nice: number): boolean {
  if (nice <= 0) return true;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
