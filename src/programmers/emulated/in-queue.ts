/**
 * The packets an emulated device has ready for its IN endpoint, in order. A read takes at most the length the host
 * asked for; the rest of a longer packet stays at the head for the next read.
 */
export class InQueue {
  private readonly packets: Uint8Array[] = [];
  private head = 0;

  /** Queues one packet. */
  push(p: Uint8Array): void {
    this.packets.push(p);
  }

  /** True when nothing is queued. */
  get empty(): boolean {
    return this.head >= this.packets.length;
  }

  /** The next packet, or its first `length` bytes; null when nothing is queued. */
  take(length: number): Uint8Array | null {
    if (this.empty) {
      this.packets.length = 0;
      this.head = 0;
      return null;
    }
    const p = this.packets[this.head];
    if (p.length <= length) {
      this.head++;
      return p;
    }
    this.packets[this.head] = p.subarray(length);
    return p.subarray(0, length);
  }
}
