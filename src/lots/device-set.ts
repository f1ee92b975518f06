/**
 * A set of a lot's devices by reel and sequence number, one bit per device: a 300,000-device lot takes 37 KB
 * instead of a string and a hash entry per device, so what a run derives from a big lot stays small.
 */
export class DeviceSet {
  private readonly reels = new Map<string, Uint8Array>();
  private count = 0;

  /** Adds device `seq` (1-based) of `reel`; anything but a whole number from 1 is no device and is left out. */
  add(reel: string, seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 1) return;
    let bits = this.reels.get(reel);
    const byte = (seq - 1) >>> 3;
    if (!bits || byte >= bits.length) {
      // Grows by doubling: reels are imported with their quantity, so this runs a few times per reel at most.
      const grown = new Uint8Array(Math.max(byte + 1, (bits?.length ?? 0) * 2, 64));
      if (bits) grown.set(bits);
      this.reels.set(reel, (bits = grown));
    }
    const mask = 1 << ((seq - 1) & 7);
    if ((bits[byte] & mask) === 0) {
      bits[byte] |= mask;
      this.count++;
    }
  }

  /** True when device `seq` of `reel` was added. */
  has(reel: string, seq: number): boolean {
    const bits = this.reels.get(reel);
    const byte = (seq - 1) >>> 3;
    return bits !== undefined && seq >= 1 && byte < bits.length && (bits[byte] & (1 << ((seq - 1) & 7))) !== 0;
  }

  /** How many devices were added. */
  get size(): number {
    return this.count;
  }
}
