import { describe, expect, it } from 'vitest';
import { yieldToRecording } from '../../src/mes/yield-to-recording.js';

/** A recording thread using `share` of a core, sampled every 200 ms by a publisher that last published at `last`. */
function watch(share: (t: number) => number, polls: number, last = 0) {
  let t = 0;
  let cpu = 0;
  const defer = yieldToRecording({ now: () => t, recordingCpuMs: () => cpu });
  const out: boolean[] = [];
  for (let i = 0; i < polls; i++) {
    out.push(defer(last));
    t += 200;
    cpu += 200 * share(t);
  }
  return out;
}

describe('the run publisher yielding to the recording thread', () => {
  it('waits while the recording thread used more than half a core over the last second', () => {
    const out = watch(() => 0.9, 20);
    expect(out.slice(0, 3)).toEqual([false, false, false]); // under half a second seen: never waits
    expect(out.slice(4).every(Boolean)).toBe(true);
  });

  it('never waits behind a recording thread that is mostly idle (programmers set the pace)', () => {
    expect(watch(() => 0.05, 50).some(Boolean)).toBe(false);
  });

  it('publishes again once the recording thread quiets down, and never waits 30 s past its last publish', () => {
    const out = watch((t) => (t < 3000 ? 0.9 : 0.1), 30);
    expect(out[10]).toBe(true);
    expect(out.slice(22).some(Boolean)).toBe(false);
    // busy all the time, last published 29.9 s ago: waits; 30 s ago: publishes
    let t = 0;
    let cpu = 0;
    const defer = yieldToRecording({ now: () => t, recordingCpuMs: () => cpu });
    for (let i = 0; i < 6; i++) {
      defer(-29_000);
      t += 200;
      cpu += 180;
    }
    expect(defer(t - 29_900)).toBe(true);
    expect(defer(t - 30_000)).toBe(false);
  });

  it('never waits where the recording thread cannot be measured', () => {
    const defer = yieldToRecording({ now: () => 0, recordingCpuMs: () => null });
    expect(defer(0)).toBe(false);
  });
});
