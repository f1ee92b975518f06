import fs from 'node:fs';
import os from 'node:os';
import { pidExists } from '../host/pid.js';

export { pidExists };

/** Who holds a lease: enough to prove later, from another process, that this process is gone. */
export interface Holder {
  host: string;
  pid: number;
  /** Process start in clock ticks after boot (/proc/<pid>/stat field 22); null where /proc is missing. */
  started: number | null;
  /** /proc/sys/kernel/random/boot_id of the host when the lease was taken; null where it is missing. */
  bootId: string | null;
}

/** A lease row's holder and heartbeat, as stored in lot_leases / programmer_leases. */
export interface HolderRow {
  host: string;
  pid: number;
  started: number | null;
  bootId: string | null;
  /** Milliseconds since the epoch of the holder's last heartbeat. */
  heartbeatAt: number;
}

/**
 * Start of process `pid` in clock ticks after boot, or null when no such process exists (or /proc is missing).
 * proc(5): field 22 of /proc/<pid>/stat, `starttime`; field 2 (comm) is in parentheses and may hold spaces.
 */
export function processStart(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[22 - 3]);
    return Number.isSafeInteger(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/** This host's boot id, or null where the kernel does not expose one. */
export function bootId(): string | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** The identity of this process. */
export function thisProcess(): Holder {
  return { host: os.hostname(), pid: process.pid, started: processStart(process.pid), bootId: bootId() };
}


/**
 * Why the holder of a lease is provably gone, or null while it may still run. On this host (same host name and boot
 * id): its pid no longer exists, or belongs to a process started at another time, or the host rebooted. Elsewhere:
 * only once its heartbeat is older than `staleMs`. A live process that was paused is never gone, however old its
 * heartbeat.
 */
export function holderGone(row: HolderRow, staleMs: number, now = Date.now()): string | null {
  const me = thisProcess();
  if (row.host === me.host) {
    if (row.bootId !== null && me.bootId !== null && row.bootId !== me.bootId) return 'the host rebooted since';
    if (!pidExists(row.pid)) return 'its process is gone';
    if (row.started !== null) {
      const started = processStart(row.pid);
      if (started !== null && started !== row.started) return 'its pid now belongs to another process';
    }
    return null;
  }
  const age = now - row.heartbeatAt;
  return age > staleMs ? `its heartbeat is ${Math.round(age / 1000)} s old` : null;
}

/** "pid P on HOST" with the heartbeat's age, for messages. */
export function describeHolder(row: HolderRow, now = Date.now()): string {
  return `pid ${row.pid} on ${row.host} (heartbeat ${Math.round((now - row.heartbeatAt) / 1000)} s ago)`;
}
