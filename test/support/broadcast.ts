import type { Extent } from '../../src/images/extent.js';

/** The consumers of a broadcast and a way to drop one that will read no further. */
export interface Broadcast {
  streams: AsyncIterable<Extent>[];
  /** Consumer `i` reads no more (its site failed, or it never started): it no longer holds the others back. */
  leave(i: number): void;
}

/**
 * Hands one extent stream to `n` consumers in lock-step: the source is read once, each extent is given to every
 * consumer, and the next one is pulled only when every live consumer has asked for it (so an extent's reused buffer
 * is never overwritten under a consumer).
 */
export function broadcast(source: AsyncIterable<Extent>, n: number): Broadcast {
  const it = source[Symbol.asyncIterator]();
  let current: Promise<IteratorResult<Extent>> | undefined;
  let waiting = 0;
  let live = n;
  const left = new Array<boolean>(n).fill(false);
  let release: (() => void) | undefined;
  let gate = new Promise<void>((r) => (release = r));
  const pull = () => {
    waiting = 0;
    current = it.next();
    const open = release;
    gate = new Promise<void>((r) => (release = r));
    open?.();
  };
  const leave = (i: number) => {
    if (left[i]) return;
    left[i] = true;
    live--;
    if (live > 0 && waiting >= live) pull();
  };
  const consumer = (i: number): AsyncIterable<Extent> => ({
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const g = gate;
          if (++waiting >= live) pull();
          await g;
          const r = await current!;
          if (r.done) return;
          yield r.value;
        }
      } finally {
        leave(i);
      }
    },
  });
  return { streams: Array.from({ length: n }, (_, i) => consumer(i)), leave };
}
