/** Measuring one bench step: wall time, peak RSS of this process (all its threads), bytes read (`/proc/self/io`). */
import fs from 'node:fs';

/** What one measured step cost. */
export interface Cost<T> {
  ms: number;
  peakRssMB: number;
  /** Bytes this process read through read(2) during the step (rchar delta), or null where /proc is missing. */
  readBytes: number | null;
  value: T;
}

/** Bytes read by this process so far (`rchar` of /proc/self/io), or null. */
export function rchar(): number | null {
  try {
    const m = /rchar:\s*(\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Runs `fn`, sampling RSS every 20 ms. */
export async function measure<T>(fn: () => Promise<T>): Promise<Cost<T>> {
  globalThis.gc?.();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const r0 = rchar();
  const t0 = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - t0;
    const r1 = rchar();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { ms, peakRssMB: Math.round(peak / 2 ** 20), readBytes: r0 === null || r1 === null ? null : r1 - r0, value };
  } finally {
    clearInterval(timer);
  }
}

/** Parses sizes like 256M, 1G, 4GiB, 1048576. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(s.trim());
  if (!m) throw new Error(`not a size: ${s} (try 256M, 1G)`);
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

/** The median run of several (by wall time), with the highest peak RSS of them all. */
export function median<T>(runs: Cost<T>[]): Cost<T> & { runsMs: number[] } {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const mid = sorted[(sorted.length - 1) >> 1];
  return { ...mid, peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)), runsMs: runs.map((r) => Math.round(r.ms)) };
}

/** Runs each named step `rounds` times, interleaved and rotated (a, b, c, b, c, a, …), and returns each step's median. */
export async function interleaved<K extends string>(rounds: number, steps: Record<K, () => Promise<Cost<unknown>>>): Promise<Record<K, Cost<unknown> & { runsMs: number[] }>> {
  const got = Object.fromEntries(Object.keys(steps).map((k) => [k, [] as Cost<unknown>[]])) as Record<K, Cost<unknown>[]>;
  // The order rotates every round, so no tool always runs first (after the storage's writeback of the last one).
  const keys = Object.keys(steps) as K[];
  for (let r = 0; r < rounds; r++) for (let i = 0; i < keys.length; i++) {
    const k = keys[(i + r) % keys.length];
    got[k].push(await steps[k]());
  }
  return Object.fromEntries(Object.entries(got).map(([k, v]) => [k, median(v as Cost<unknown>[])])) as Record<K, Cost<unknown> & { runsMs: number[] }>;
}
