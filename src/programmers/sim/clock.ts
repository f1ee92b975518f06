import { setTimeout as sleep } from 'node:timers/promises';

/** Paces an operation to simulated time: sleeps so wall time tracks `simulated µs / speed`; 'unlimited' never sleeps. */
export class SimClock {
  private startMs = 0;
  private simUs = 0;

  constructor(private readonly speed: number | 'unlimited') {}

  /** Starts timing one operation. */
  start(): void {
    this.startMs = performance.now();
    this.simUs = 0;
  }

  /** Adds simulated time. */
  advance(us: number): void {
    this.simUs += us;
  }

  /** Simulated µs of the current operation so far. */
  get elapsedUs(): number {
    return this.simUs;
  }

  /** Waits until wall time catches up with simulated time (only when ahead by more than 2 ms). */
  async pace(): Promise<void> {
    if (this.speed === 'unlimited') return;
    const due = this.startMs + this.simUs / 1000 / this.speed;
    const ahead = due - performance.now();
    if (ahead > 2) await sleep(ahead);
  }
}
