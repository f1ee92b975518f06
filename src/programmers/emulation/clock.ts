import type { Pacer } from '../usb-board/pacer.js';

/** Virtual time of an emulated board, in milliseconds: USB transfers and the driver's waits advance it. */
export class SimClock {
  private t = 0;

  /** Current virtual time. */
  now(): number {
    return this.t;
  }

  /** Moves virtual time forward. */
  advance(ms: number): void {
    if (ms > 0) this.t += ms;
  }

  /** A pacer whose sleep advances this clock instead of waiting. */
  pacer(): Pacer {
    return { now: () => this.t, sleep: async (ms) => this.advance(ms) };
  }
}
