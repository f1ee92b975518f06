import fs from 'node:fs';

/** How the run's publisher yields to the recording thread. */
export interface YieldOptions {
  /** Share of one core the recording thread must have used over the last second to count as busy. @default 0.5 */
  busyShare?: number;
  /** Longest the publisher waits behind a busy recording thread since it was last caught up. @default 30000 */
  maxDeferMs?: number;
  /** CPU ms the recording thread has used so far, or null where that cannot be read (then it never counts as busy). */
  recordingCpuMs?: () => number | null;
  /** The clock. @default Date.now */
  now?: () => number;
}

/** CPU ms of this process's main thread (Linux: /proc/self/task/PID/stat, utime + stime), or null. */
export function mainThreadCpuMs(): number | null {
  try {
    const st = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * Whether the run's publisher should wait rather than publish now: the recording thread (the one that bounds how many
 * devices a run finishes) used more than `busyShare` of a core over the last second, and the publisher was last
 * caught up less than `maxDeferMs` ago. So on a station whose cores are all busy recording, publishing waits — the
 * messages are safe in the outbox — and catches up every 30 s; on one whose programmers set the pace (the recording
 * thread mostly idle) it never waits. `lastPublishedAt` is when the publisher last had nothing left to send.
 */
export function yieldToRecording(o: YieldOptions = {}): (lastPublishedAt: number) => boolean {
  const busyShare = o.busyShare ?? 0.5;
  const maxDeferMs = o.maxDeferMs ?? 30_000;
  const cpu = o.recordingCpuMs ?? mainThreadCpuMs;
  const now = o.now ?? Date.now;
  // Samples of [wall ms, recording CPU ms], the oldest about a second back.
  const samples: [number, number][] = [];
  return (lastPublishedAt) => {
    const t = now();
    const c = cpu();
    if (c === null) return false;
    samples.push([t, c]);
    while (samples.length > 2 && t - samples[1][0] >= 1000) samples.shift();
    const [t0, c0] = samples[0];
    if (t - t0 < 500) return false; // not a second's view yet
    const busy = (c - c0) / (t - t0) > busyShare;
    return busy && t - lastPublishedAt < maxDeferMs;
  };
}
