import { ImageFormatError } from '../errors.js';
import type { ChunkInput } from './input.js';

/** Longest text line accepted in a HEX or S-record file (a record holds at most 255 data bytes: ~520 characters). */
export const MAX_LINE = 1024;

/**
 * Splits a chunked text stream into lines without copying, except a line that straddles two chunks, which is
 * assembled in one reused carry buffer. Lines end at LF; a trailing CR, spaces and tabs are dropped.
 * After `nextLine()` returns true the line is `lineBuf[lineStart, lineEnd)`, valid until the next call.
 */
export class LineSplitter {
  lineBuf: Buffer = Buffer.alloc(0);
  lineStart = 0;
  lineEnd = 0;
  /** 1-based number of the current line. */
  lineNo = 0;
  private chunk: Buffer | null = null;
  private pos = 0;
  private readonly carry = Buffer.allocUnsafe(MAX_LINE);
  private carryLen = 0;
  private eof = false;

  constructor(
    private readonly input: ChunkInput,
    private readonly file: string,
  ) {}

  private tooLong(): ImageFormatError {
    return new ImageFormatError('line-too-long', `line is longer than ${MAX_LINE} characters: not a HEX/S-record file, or a corrupt one`, { file: this.file, line: this.lineNo + 1 });
  }

  private append(src: Buffer, start: number, end: number): void {
    if (this.carryLen + end - start > MAX_LINE) throw this.tooLong();
    src.copy(this.carry, this.carryLen, start, end);
    this.carryLen += end - start;
  }

  private setLine(buf: Buffer, start: number, end: number): void {
    while (end > start && (buf[end - 1] === 0x0d || buf[end - 1] === 0x20 || buf[end - 1] === 0x09)) end--;
    this.lineBuf = buf;
    this.lineStart = start;
    this.lineEnd = end;
    this.lineNo++;
  }

  /** Moves to the next complete line in memory; false when more input is needed (call `fill`) or at the end. */
  nextLine(): boolean {
    const c = this.chunk;
    if (c !== null && this.pos < c.length) {
      const nl = c.indexOf(0x0a, this.pos);
      if (nl < 0) {
        this.append(c, this.pos, c.length);
        this.pos = c.length;
        return false;
      }
      if (this.carryLen > 0) {
        this.append(c, this.pos, nl);
        this.setLine(this.carry, 0, this.carryLen);
        this.carryLen = 0;
      } else {
        if (nl - this.pos > MAX_LINE) throw this.tooLong();
        this.setLine(c, this.pos, nl);
      }
      this.pos = nl + 1;
      return true;
    }
    if (this.eof && this.carryLen > 0) {
      this.setLine(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      return true;
    }
    return false;
  }

  /** Reads the next chunk; false when the stream is exhausted and no line is left. */
  async fill(): Promise<boolean> {
    if (this.eof) return false;
    const c = await this.input.next();
    if (c === null) {
      this.eof = true;
      this.chunk = null;
      return this.carryLen > 0;
    }
    this.chunk = c;
    this.pos = 0;
    return true;
  }
}
