import fs from 'node:fs';
import { DriverError } from '../../errors.js';

const ALIGN = 4096;

/**
 * Reads a target back from the device rather than the page cache: O_DIRECT (Linux) with an aligned buffer. Node
 * cannot ask for an aligned allocation or a buffer's address, so the aligned offset inside an over-allocated buffer is
 * found once by probing (a misaligned O_DIRECT read fails with EINVAL). Where the filesystem refuses O_DIRECT
 * (tmpfs, some overlay filesystems) and the mode is 'auto', reads fall back to ordinary cached reads — Node has no
 * posix_fadvise(DONTNEED) to drop the cache instead — and `direct` says so.
 */
export class DirectReader {
  readonly direct: boolean;
  private readonly fd: number;
  private readonly raw: Uint8Array;
  private base = 0;

  constructor(readonly path: string, readonly chunkBytes: number, mode: 'auto' | 'always' | 'never') {
    this.raw = new Uint8Array(chunkBytes + ALIGN);
    const flag = fs.constants.O_DIRECT;
    let fd = -1;
    if (mode !== 'never' && flag !== undefined) {
      try {
        fd = fs.openSync(path, fs.constants.O_RDONLY | flag);
        this.base = this.probe(fd);
      } catch (e) {
        if (fd >= 0) fs.closeSync(fd);
        fd = -1;
        if (mode === 'always') throw new DriverError('no-direct-io', `cannot read ${path} with O_DIRECT: ${(e as Error).message}`);
      }
    }
    this.direct = fd >= 0;
    this.fd = fd >= 0 ? fd : fs.openSync(path, 'r');
  }

  /** Finds the offset in `raw` whose address is aligned for O_DIRECT. */
  private probe(fd: number): number {
    for (let off = 0; off < ALIGN; off += 16) {
      try {
        fs.readSync(fd, this.raw, off, ALIGN, 0);
        return off;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
      }
    }
    throw new DriverError('no-direct-io', `no aligned buffer offset works for O_DIRECT on ${this.path}`);
  }

  /** Reads `length` bytes at `position` (a multiple of 4096); returns a view valid until the next read. */
  read(position: number, length: number): Promise<Uint8Array> {
    const want = this.direct ? Math.ceil(length / ALIGN) * ALIGN : length;
    if (want > this.chunkBytes + (this.direct ? 0 : ALIGN)) throw new DriverError('read-too-large', `read of ${length} bytes exceeds the ${this.chunkBytes}-byte buffer`);
    return new Promise((resolve, reject) => {
      fs.read(this.fd, this.raw, this.base, want, position, (err, n) => {
        if (err) reject(err);
        else resolve(this.raw.subarray(this.base, this.base + Math.min(n, length)));
      });
    });
  }

  /** Closes the file. */
  close(): void {
    fs.closeSync(this.fd);
  }
}
