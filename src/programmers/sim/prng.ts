/** Seeded, deterministic random numbers for the simulator: every fault is a function of seed + labels, never Math.random. */

/** 32-bit FNV-1a hash of a string, finished with a murmur3 mix. */
function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A splitmix32 stream: next() in [0, 1), int(n) in [0, n). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next raw 32-bit value. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** A stream seeded from the run's seed and any labels (device, site, purpose): same inputs, same numbers. */
export function prngFor(seed: number, ...labels: (string | number)[]): Prng {
  let h = hashString(String(seed));
  for (const l of labels) h = hashString(`\u0000${l}`, h);
  return new Prng(h);
}

/** One uniform draw in [0, 1) for these labels. */
export function uniform(seed: number, ...labels: (string | number)[]): number {
  return prngFor(seed, ...labels).next();
}
