import { ImageFormatError } from '../errors.js';
import type { Extent } from './extent.js';

/**
 * Turns address-ordered records (Intel HEX, S-record) into extents: contiguous record data is gathered in one reused
 * buffer and flushed per contiguous run or when the buffer is full; the gap before a record becomes a fill extent.
 * Use: `place(addr, len, line)`, then hand out every extent in `ready` (and clear it), then `write(data)`.
 */
export class RecordAssembler {
  /** Extents to hand out before the next `write`. */
  readonly ready: Extent[] = [];
  private readonly buf: Buffer;
  private runStart = 0;
  private used = 0;
  /** Address just past the last record placed; the image starts at address 0. */
  end = 0;

  constructor(
    private readonly file: string,
    private readonly fill: number,
    capacity: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 256));
  }

  private flush(): void {
    if (this.used > 0) this.ready.push({ offset: this.runStart, length: this.used, bytes: this.buf.subarray(0, this.used) });
    this.used = 0;
  }

  /** Reserves room for `len` record bytes at `addr`; records must come in ascending, non-overlapping order. */
  place(addr: number, len: number, line: number): void {
    if (len === 0) return;
    if (addr < this.end) {
      throw new ImageFormatError(
        'overlapping-records',
        `record at address 0x${addr.toString(16)} overlaps or comes before the data already read (up to 0x${this.end.toString(16)}); records must be in ascending address order — sort the file (e.g. srec_cat IN -o OUT)`,
        { file: this.file, line },
      );
    }
    if (addr > this.end) {
      this.flush();
      this.ready.push({ offset: this.end, length: addr - this.end, fill: this.fill });
      this.runStart = addr;
    } else if (this.used + len > this.buf.length) {
      this.flush();
      this.runStart = addr;
    }
    this.end = addr + len;
  }

  /** Copies the data of the record just placed. */
  write(src: Buffer, start: number, len: number): void {
    src.copy(this.buf, this.used, start, start + len);
    this.used += len;
  }

  /** Flushes the last run at the end of the file. */
  finish(): void {
    this.flush();
  }
}
