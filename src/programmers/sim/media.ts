/**
 * One partition of one site's device, as the digests of its program units: one uint32 CRC per unit and the
 * erase generation it was written in. A unit not written since the last erase holds the erased value; erasing or
 * loading a new device is O(1) (the generation moves on), so a cycle never touches the whole array to reset it.
 */
export class SiteMedia {
  private readonly digests: Uint32Array;
  private readonly written: Uint32Array;
  private gen = 1;

  constructor(readonly units: number) {
    this.digests = new Uint32Array(units);
    this.written = new Uint32Array(units);
  }

  /** Everything erased (a fresh device, or after a full erase). */
  eraseAll(): void {
    this.gen++;
  }

  /** Erases one unit. */
  eraseUnit(u: number): void {
    this.written[u] = 0;
  }

  /** True when the unit was written since its last erase. */
  isWritten(u: number): boolean {
    return this.written[u] === this.gen;
  }

  /** The recorded CRC of a written unit. */
  digest(u: number): number {
    return this.digests[u];
  }

  /** Records what the site wrote into unit `u`. */
  write(u: number, crc: number): void {
    this.digests[u] = crc >>> 0;
    this.written[u] = this.gen;
  }
}
