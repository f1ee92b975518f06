/**
 * The clock a driver waits on while it polls a busy chip. On real hardware it is wall-clock time; the emulated boards
 * give a virtual clock that `sleep` advances, so tests never wait and busy times still follow the datasheet.
 */
export interface Pacer {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /** Waits `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** Wall-clock pacer for real devices. */
export const realPacer: Pacer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
