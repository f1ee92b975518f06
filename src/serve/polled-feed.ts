import type { LiveFeed, LiveMessage } from './live.js';

/**
 * A live feed that polls its source every `pollMs` only while someone listens: the first subscriber starts it (`begin`
 * after the timer is set), the last one leaving stops it (`end`). Subclasses poll in `tick` and hand out with `emit`.
 */
export abstract class PolledFeed implements LiveFeed {
  private readonly subscribers = new Set<(m: LiveMessage) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(protected readonly pollMs: number) {}

  /** Adds a listener; returns the function that removes it. */
  subscribe(fn: (m: LiveMessage) => void): () => void {
    this.subscribers.add(fn);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.pollMs);
      this.begin();
    }
    return () => {
      this.subscribers.delete(fn);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.end();
  }

  /** True while the feed polls (someone listens). */
  protected get polling(): boolean {
    return this.timer !== undefined;
  }

  /** Hands messages to every subscriber, in order. */
  protected emit(out: readonly LiveMessage[]): void {
    for (const m of out) for (const fn of this.subscribers) fn(m);
  }

  /** Starts at the source's present (the first subscriber came). */
  protected abstract begin(): void;

  /** One poll, every `pollMs`. */
  protected abstract tick(): void;

  /** After the last subscriber left. */
  protected end(): void {}
}
