/** Units [from, to) hold the digests `src[srcFrom ..]` of one program stream, shared by every site that wrote them. */
interface Run {
  from: number;
  to: number;
  src: Uint32Array;
  srcFrom: number;
}

/** `own` value of a unit erased since it was written. */
const ERASED = -1;

/**
 * One partition of one site's device, as the digests of its program units (one CRC-32 per unit). What a program
 * stream wrote unchanged is a run pointing into that stream's digest array, which every site of the programmer
 * shares; only units a site wrote differently (a fault, a serial number, data over programmed cells) or erased one by
 * one are kept per site. So a site costs a few objects, not 8 bytes per unit, whatever the image size; erasing
 * everything or loading a new device drops them.
 */
export class SiteMedia {
  private runs: Run[] = [];
  /** Units whose content is not what the runs say: their digest, or ERASED. */
  private readonly own = new Map<number, number>();

  constructor(readonly units: number) {}

  /** Everything erased (a fresh device, or after a full erase). */
  eraseAll(): void {
    this.runs = [];
    this.own.clear();
  }

  /** Erases one unit. */
  eraseUnit(u: number): void {
    this.own.set(u, ERASED);
  }

  /** True when the unit was written since its last erase. */
  isWritten(u: number): boolean {
    const o = this.own.get(u);
    return o !== undefined ? o !== ERASED : this.runAt(u) !== undefined;
  }

  /** The recorded CRC of a written unit. */
  digest(u: number): number {
    const o = this.own.get(u);
    if (o !== undefined && o !== ERASED) return o;
    const r = this.runAt(u);
    return r ? r.src[r.srcFrom + u - r.from] : 0;
  }

  /** Records what the site wrote into unit `u` when it differs from the stream's digest. */
  write(u: number, crc: number): void {
    this.own.set(u, crc >>> 0);
  }

  /** Records that unit `u` holds the stream's digest `src[srcUnit]`, as written (units arrive in increasing order). */
  writeShared(u: number, src: Uint32Array, srcUnit: number): void {
    this.own.delete(u);
    const last = this.runs[this.runs.length - 1];
    if (last && last.src === src && last.to === u && last.srcFrom + (u - last.from) === srcUnit) last.to++;
    else this.runs.push({ from: u, to: u + 1, src, srcFrom: srcUnit });
  }

  /**
   * Records that units [from, to) hold the stream's digests `src[from ..]`, as written (what `writeShared` does unit
   * by unit, in one step: a program stream's per-site bookkeeping is one call, not one per unit and site).
   */
  writeSharedRange(from: number, to: number, src: Uint32Array): void {
    if (to <= from) return;
    if (this.own.size > 0) for (const u of this.own.keys()) if (u >= from && u < to) this.own.delete(u);
    const last = this.runs[this.runs.length - 1];
    if (last && last.src === src && last.to === from && last.srcFrom + (from - last.from) === from) last.to = to;
    else this.runs.push({ from, to, src, srcFrom: from });
  }

  /**
   * Reads back units [0, n): `out[u]` gets the digest of each written unit and `written[u]` 1 (0 when erased), as
   * `isWritten` and `digest` say unit by unit; a verify reads a whole partition this way, in one pass per site.
   */
  readBack(n: number, out: Uint32Array, written: Uint8Array): void {
    written.fill(0, 0, n);
    for (const r of this.runs) {
      // oldest run first: a newer run over the same units overwrites it, as `runAt` prefers the newest
      const to = Math.min(r.to, n);
      if (to <= r.from) continue;
      out.set(r.src.subarray(r.srcFrom, r.srcFrom + (to - r.from)), r.from);
      written.fill(1, r.from, to);
    }
    for (const [u, v] of this.own) {
      if (u >= n) continue;
      written[u] = v === ERASED ? 0 : 1;
      if (v !== ERASED) out[u] = v;
    }
  }

  /** The newest run covering unit u. */
  private runAt(u: number): Run | undefined {
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i];
      if (u >= r.from && u < r.to) return r;
    }
    return undefined;
  }
}
