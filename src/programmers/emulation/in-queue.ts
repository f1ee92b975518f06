/**
 * The packets an emulated device has ready for its IN endpoint, in order. A device sends a whole packet: a host that
 * asked for fewer bytes than the packet holds gets the USB overflow (babble) error and the packet is lost, as on a
 * real host controller.
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

  /** The next packet; null when nothing is queued. Throws the overflow error when it is longer than `length`. */
  take(length: number): Uint8Array | null {
    if (this.empty) {
      this.packets.length = 0;
      this.head = 0;
      return null;
    }
    const p = this.packets[this.head++];
    if (p.length > length) throw new Error(`LIBUSB_ERROR_OVERFLOW: the device sent ${p.length} bytes, the host asked for ${length}`);
    return p;
  }
}
