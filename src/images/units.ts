/** Size of the units blank and fill shares are counted in. */
export const UNIT = 64 * 1024;

/** One unit of 0xFF, compared against with memcmp (`Buffer.compare`), never a JS byte loop. */
const FF_UNIT = Buffer.alloc(UNIT, 0xff);

/**
 * Counts the 64 KiB units of expanded content (aligned on 64 KiB offsets) that are all 0xFF (blank) and that lie
 * wholly in fill or don't-care regions. Feed the content in order with `data` and `fill`, then call `finish`.
 */
export class UnitCounter {
  /** Units seen (the last may be partial). */
  units = 0;
  /** Units all 0xFF. */
  blank = 0;
  /** Units wholly in fill or don't-care runs. */
  fill = 0;
  private pos = 0;
  private allFF = true;
  private allFill = true;

  private close(): void {
    this.units++;
    if (this.allFF) this.blank++;
    if (this.allFill) this.fill++;
    this.pos = 0;
    this.allFF = true;
    this.allFill = true;
  }

  /** Counts a run of real bytes. */
  data(bytes: Uint8Array): void {
    const n = bytes.length;
    for (let i = 0; i < n; ) {
      const take = Math.min(UNIT - this.pos, n - i);
      if (this.allFF && FF_UNIT.compare(bytes, i, i + take, 0, take) !== 0) this.allFF = false;
      this.allFill = false;
      this.pos += take;
      i += take;
      if (this.pos === UNIT) this.close();
    }
  }

  /** Counts a fill run of `length` bytes; `blank` when its value is 0xFF (or don't care). */
  fillRun(length: number, blank: boolean): void {
    if (this.pos > 0) {
      const take = Math.min(UNIT - this.pos, length);
      if (!blank) this.allFF = false;
      this.pos += take;
      length -= take;
      if (this.pos === UNIT) this.close();
    }
    const whole = Math.floor(length / UNIT);
    this.units += whole;
    this.fill += whole;
    if (blank) this.blank += whole;
    const rest = length - whole * UNIT;
    if (rest > 0) {
      this.pos = rest;
      this.allFF = blank;
    }
  }

  /** Closes the last, partial unit. */
  finish(): void {
    if (this.pos > 0) this.close();
  }
}
