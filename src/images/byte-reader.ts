import type { ChunkInput } from './input.js';

/** Exact-size and zero-copy reads over a ChunkInput, tracking the byte offset in the (expanded) stream. */
export class ByteReader {
  private chunk: Buffer | null = null;
  private pos = 0;
  private eof = false;
  /** Offset of the next unread byte from the start of the stream. */
  offset = 0;

  constructor(private readonly input: ChunkInput) {}

  /** Makes sure unread bytes are in memory; false at the end of the stream. */
  private async load(): Promise<boolean> {
    while (this.chunk === null || this.pos >= this.chunk.length) {
      if (this.eof) return false;
      const c = await this.input.next();
      if (c === null) {
        this.eof = true;
        this.chunk = null;
        return false;
      }
      this.chunk = c;
      this.pos = 0;
    }
    return true;
  }

  /** Copies the next `n` bytes into `dst`; returns how many were copied (fewer only at the end of the stream). */
  async readInto(dst: Uint8Array, n: number): Promise<number> {
    let got = 0;
    while (got < n && (await this.load())) {
      const c = this.chunk!;
      const take = Math.min(n - got, c.length - this.pos);
      c.copy(dst, got, this.pos, this.pos + take);
      this.pos += take;
      got += take;
    }
    this.offset += got;
    return got;
  }

  /** The next up to `max` bytes without copying, or null at the end; valid until the next call on this reader. */
  async view(max: number): Promise<Buffer | null> {
    if (!(await this.load())) return null;
    const c = this.chunk!;
    const take = Math.min(max, c.length - this.pos);
    const v = c.subarray(this.pos, this.pos + take);
    this.pos += take;
    this.offset += take;
    return v;
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.load());
  }
}
