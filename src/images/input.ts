import fs from 'node:fs';
import { ImageFormatError } from '../errors.js';

/** An ordered source of byte chunks read once from the start of an image file. */
export interface ChunkInput {
  /** The next chunk, or null at the end. The chunk returned before becomes invalid when this is called. */
  next(): Promise<Buffer | null>;
  /** Releases the file; safe to call more than once. */
  close(): Promise<void>;
}

/** Turns a file-system error into the image error a user sees. */
export function unreadable(file: string, e: unknown): ImageFormatError {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return new ImageFormatError('image-not-found', `image file not found; check the path`, { file });
  if (err?.code === 'EISDIR') return new ImageFormatError('image-unreadable', `is a directory, not an image file`, { file });
  return new ImageFormatError('image-unreadable', `cannot read the image file: ${err?.message ?? String(e)}`, { file });
}

/**
 * Reads a file in full chunks of `chunkSize` bytes (the last may be shorter) with one read ahead, through two
 * alternating buffers: the chunk handed out stays intact while the next one is being read into the other buffer.
 */
export class FileInput implements ChunkInput {
  private readonly bufs: [Buffer, Buffer];
  private idx = 0;
  private position = 0;
  private pending: Promise<number> | null = null;
  private done = false;

  private constructor(
    private readonly file: string,
    private readonly fh: fs.promises.FileHandle,
    private readonly chunkSize: number,
  ) {
    this.bufs = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  }

  /** Opens `file` for sequential chunked reading. */
  static async open(file: string, chunkSize: number): Promise<FileInput> {
    let fh: fs.promises.FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (regular files ignore the flag).
      fh = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      throw unreadable(file, e);
    }
    const st = await fh.stat().catch(() => undefined);
    if (st !== undefined && (st.isFIFO() || st.isSocket() || st.isCharacterDevice())) {
      await fh.close();
      throw new ImageFormatError('image-not-a-file', 'is not a regular file (a pipe or a device such as /dev/zero, which never ends); give the path of an image file', { file });
    }
    return new FileInput(file, fh, chunkSize);
  }

  /** Size of the file in bytes. */
  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  private async fill(buf: Buffer): Promise<number> {
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await this.fh.read(buf, n, buf.length - n, this.position);
      if (bytesRead === 0) break;
      n += bytesRead;
      this.position += bytesRead;
    }
    return n;
  }

  private start(buf: Buffer): Promise<number> {
    const p = this.fill(buf);
    p.catch(() => undefined); // surfaced when awaited in next(); never an unhandled rejection
    return p;
  }

  async next(): Promise<Buffer | null> {
    if (this.done) return null;
    this.pending ??= this.start(this.bufs[this.idx]);
    let n: number;
    try {
      n = await this.pending;
    } catch (e) {
      this.done = true;
      throw unreadable(this.file, e);
    }
    const buf = this.bufs[this.idx];
    this.idx ^= 1;
    if (n < this.chunkSize) {
      this.done = true;
      this.pending = null;
    } else {
      this.pending = this.start(this.bufs[this.idx]);
    }
    return n === 0 ? null : buf.subarray(0, n);
  }

  async close(): Promise<void> {
    this.done = true;
    const p = this.pending;
    this.pending = null;
    if (p) await p.catch(() => undefined);
    await this.fh.close().catch(() => undefined);
  }
}
