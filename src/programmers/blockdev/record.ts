import zlib from 'node:zlib';
import type { UnitDigest } from '../unit-digests.js';

/** What the last program() sent, per digest unit, so verify() can read each site back and compare. */
export class SentRecord {
  readonly crc: Uint32Array;
  readonly sent: Uint32Array;
  readonly span: Uint32Array;
  readonly ranges = new Map<number, [number, number][]>();
  units = 0;
  bytes = 0;

  constructor(readonly unitBytes: number, capacity: number) {
    const n = Math.ceil(capacity / unitBytes);
    this.crc = new Uint32Array(n);
    this.sent = new Uint32Array(n);
    this.span = new Uint32Array(n);
  }

  /** Records one unit from the digester. */
  add(d: UnitDigest): void {
    this.crc[d.unit] = d.crc;
    this.sent[d.unit] = d.sentBytes;
    this.span[d.unit] = d.spanBytes;
    if (d.ranges) this.ranges.set(d.unit, d.ranges);
    this.units = d.unit + 1;
  }

  /** CRC-32 of what a site holds in unit `u`, over the same byte ranges that were sent; `view` starts at the unit. */
  crcOf(u: number, view: Uint8Array): number {
    const r = this.ranges.get(u);
    if (!r) return zlib.crc32(view.subarray(0, this.span[u]));
    let c = 0;
    for (const [a, b] of r) c = zlib.crc32(view.subarray(a, b), c);
    return c;
  }
}
