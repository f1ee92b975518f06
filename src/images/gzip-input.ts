import fs from 'node:fs';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { ImageFormatError } from '../errors.js';
import { unreadable, type ChunkInput } from './input.js';

/** Decompresses a gzip file as a stream of chunks; a stream that ends early or is corrupt is an ImageFormatError. */
export class GunzipInput implements ChunkInput {
  private readonly gz: zlib.Gunzip;
  private readonly rs: fs.ReadStream;
  private readonly it: AsyncIterator<Buffer>;
  private done = false;
  /** Compressed bytes handed to zlib so far. */
  private fed = 0;

  /** Starts decompressing `file`; `chunkSize` is the size of zlib's output buffers. */
  constructor(
    private readonly file: string,
    chunkSize: number,
  ) {
    this.rs = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
    this.rs.on('data', (c) => (this.fed += c.length));
    this.gz = zlib.createGunzip({ chunkSize: Math.max(64 * 1024, Math.min(chunkSize, 1 << 20)) });
    pipeline(this.rs, this.gz, () => undefined); // errors are read from the iterator below
    this.it = this.gz[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async next(): Promise<Buffer | null> {
    if (this.done) return null;
    try {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        return null;
      }
      return r.value;
    } catch (e) {
      this.done = true;
      throw this.describe(e);
    }
  }

  private describe(e: unknown): ImageFormatError {
    const err = e as NodeJS.ErrnoException;
    const offset = this.gz.bytesWritten;
    if (err?.code === 'Z_BUF_ERROR') {
      return new ImageFormatError('gzip-truncated', `gzip stream ends early at compressed byte offset ${offset}: the file is truncated; copy it again`, { file: this.file, offset });
    }
    if (typeof err?.code === 'string' && err.code.startsWith('Z_')) {
      const where = this.fed > offset ? `between compressed byte offsets ${offset} and ${this.fed}` : `at compressed byte offset ${offset}`;
      return new ImageFormatError('gzip-corrupt', `gzip stream is corrupt ${where} (${err.message}); copy the file again`, { file: this.file, offset });
    }
    return unreadable(this.file, e);
  }

  async close(): Promise<void> {
    this.done = true;
    this.gz.destroy();
    this.rs.destroy();
  }
}
