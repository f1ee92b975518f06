import fs from 'node:fs';
import zlib from 'node:zlib';

/** A run of bytes at an address, as HEX/S-record files hold them; segments are ascending and do not overlap. */
export interface Segment {
  addr: number;
  bytes: Uint8Array;
}

/** The expanded content of segments from address 0, gaps set to `fill`. */
export function expandSegments(segments: Segment[], fill = 0xff): Buffer {
  const end = segments.length ? segments[segments.length - 1].addr + segments[segments.length - 1].bytes.length : 0;
  const out = Buffer.alloc(end, fill);
  for (const s of segments) out.set(s.bytes, s.addr);
  return out;
}

/** Writes raw content. */
export function writeRaw(path: string, content: Uint8Array): void {
  fs.writeFileSync(path, content);
}

/** Writes a file gzip-compressed. */
export function writeGzip(path: string, content: Uint8Array | string): void {
  fs.writeFileSync(path, zlib.gzipSync(content));
}

const hex = (v: number, digits: number) => v.toString(16).toUpperCase().padStart(digits, '0');

/** One Intel HEX record line (without line ending). */
export function hexRecord(type: number, addr16: number, data: ArrayLike<number>): string {
  const bytes = [data.length, (addr16 >> 8) & 0xff, addr16 & 0xff, type, ...Array.from(data)];
  const sum = bytes.reduce((a, b) => a + b, 0);
  return ':' + bytes.map((b) => hex(b, 2)).join('') + hex((0x100 - (sum & 0xff)) & 0xff, 2);
}

/** Options of the test Intel HEX writer. */
export interface HexWriteOptions {
  /** Data bytes per record (1–255). @default 16 */
  recordLength?: number;
  /** Upper address bits as extended linear (04) or extended segment (02, images below 1 MiB) records. @default 'linear' */
  addressing?: 'linear' | 'segment';
  /** Line ending written after every record. @default '\n' */
  lineEnding?: string;
  /** Add a start linear address (05) record. @default false */
  startRecord?: boolean;
}

/** Intel HEX text for segments: data records split at 64 KiB boundaries, extended address records as needed, EOF. */
export function intelHex(segments: Segment[], o: HexWriteOptions = {}): string {
  const len = o.recordLength ?? 16;
  const lines: string[] = [];
  let upper = 0;
  for (const s of segments) {
    for (let off = 0; off < s.bytes.length; ) {
      const addr = s.addr + off;
      const n = Math.min(len, s.bytes.length - off, 0x10000 - (addr & 0xffff));
      const hi = Math.floor(addr / 0x10000);
      if (hi !== upper) {
        upper = hi;
        const seg = hi * 0x1000; // segment base = seg × 16
        if (o.addressing === 'segment') lines.push(hexRecord(0x02, 0, [(seg >> 8) & 0xff, seg & 0xff]));
        else lines.push(hexRecord(0x04, 0, [(hi >> 8) & 0xff, hi & 0xff]));
      }
      lines.push(hexRecord(0x00, addr & 0xffff, s.bytes.subarray(off, off + n)));
      off += n;
    }
  }
  if (o.startRecord) lines.push(hexRecord(0x05, 0, [0, 0, 0x01, 0x00]));
  lines.push(hexRecord(0x01, 0, []));
  const eol = o.lineEnding ?? '\n';
  return lines.join(eol) + eol;
}

/** One S-record line (without line ending): type, address of `addrBytes` bytes, data, checksum. */
export function srecRecord(type: number, addrBytes: number, addr: number, data: ArrayLike<number>): string {
  const a: number[] = [];
  for (let i = addrBytes - 1; i >= 0; i--) a.push(Math.floor(addr / 256 ** i) & 0xff);
  const body = [addrBytes + data.length + 1, ...a, ...Array.from(data)];
  const sum = body.reduce((x, y) => x + y, 0);
  return `S${type}` + body.map((b) => hex(b, 2)).join('') + hex(~sum & 0xff, 2);
}

/** Options of the test S-record writer. */
export interface SrecWriteOptions {
  /** Data records: S1 (16-bit), S2 (24-bit) or S3 (32-bit addresses). @default 3 */
  dataType?: 1 | 2 | 3;
  /** Data bytes per record. @default 16 */
  recordLength?: number;
  /** Write an S5/S6 record count after the data. @default true */
  count?: boolean;
  /** Write the S9/S8/S7 termination record matching the data type. @default true */
  termination?: boolean;
  /** Line ending written after every record. @default '\n' */
  lineEnding?: string;
}

/** Motorola S-record text for segments: S0 header, data, optional S5/S6 count and S7/S8/S9 termination. */
export function srec(segments: Segment[], o: SrecWriteOptions = {}): string {
  const type = o.dataType ?? 3;
  const ab = type + 1;
  const len = Math.min(o.recordLength ?? 16, 254 - ab);
  const lines = [srecRecord(0, 2, 0, Buffer.from('gangflash test'))];
  let records = 0;
  for (const s of segments) {
    for (let off = 0; off < s.bytes.length; off += len) {
      lines.push(srecRecord(type, ab, s.addr + off, s.bytes.subarray(off, Math.min(off + len, s.bytes.length))));
      records++;
    }
  }
  if (o.count ?? true) lines.push(records <= 0xffff ? srecRecord(5, 2, records, []) : srecRecord(6, 3, records, []));
  if (o.termination ?? true) lines.push(srecRecord(10 - type, ab, 0, []));
  const eol = o.lineEnding ?? '\n';
  return lines.join(eol) + eol;
}

/** Options of the test Android sparse writer. */
export interface SparseWriteOptions {
  /** Block size in bytes, a multiple of 4. @default 4096 */
  blockSize?: number;
  /** Write blocks of one repeated 4-byte pattern as FILL chunks. @default true */
  fill?: boolean;
  /** Write all-0xFF blocks as DONT_CARE chunks (readers give them back as 0xFF). @default false */
  dontCare?: boolean;
  /** Put a CRC32 chunk after every this many chunks (0: none). @default 0 */
  crcEvery?: number;
  /** Longest RAW chunk in blocks. @default unlimited */
  maxRawBlocks?: number;
}

/** Android sparse image bytes for content whose length is a multiple of the block size. */
export function sparseImage(content: Uint8Array, o: SparseWriteOptions = {}): Buffer {
  const bs = o.blockSize ?? 4096;
  if (content.length % bs !== 0) throw new Error(`content length ${content.length} is not a multiple of ${bs}`);
  const c = Buffer.from(content.buffer, content.byteOffset, content.length);
  const kindOf = (b: number): string => {
    const blk = c.subarray(b * bs, (b + 1) * bs);
    if (o.dontCare && blk.every((x) => x === 0xff)) return 'dc';
    if (o.fill ?? true) {
      const p = blk.readUInt32LE(0);
      let same = true;
      for (let i = 4; i < bs && same; i += 4) same = blk.readUInt32LE(i) === p;
      if (same) return `fill:${p}`;
    }
    return 'raw';
  };
  const chunks: Buffer[] = [];
  let crc = 0;
  let sinceCrc = 0;
  let count = 0;
  const blocks = c.length / bs;
  for (let b = 0; b < blocks; ) {
    const kind = kindOf(b);
    let e = b + 1;
    while (e < blocks && kindOf(e) === kind && !(kind === 'raw' && e - b >= (o.maxRawBlocks ?? Infinity))) e++;
    const n = e - b;
    const body = c.subarray(b * bs, e * bs);
    const h = Buffer.alloc(12);
    if (kind === 'raw') {
      h.writeUInt16LE(0xcac1, 0);
      h.writeUInt32LE(12 + body.length, 8);
      chunks.push(h, Buffer.from(body));
      crc = zlib.crc32(body, crc);
    } else if (kind === 'dc') {
      h.writeUInt16LE(0xcac3, 0);
      h.writeUInt32LE(12, 8);
      chunks.push(h);
      crc = zlib.crc32(Buffer.alloc(body.length, 0), crc);
    } else {
      h.writeUInt16LE(0xcac2, 0);
      h.writeUInt32LE(16, 8);
      const v = Buffer.alloc(4);
      v.writeUInt32LE(Number(kind.slice(5)), 0);
      chunks.push(h, v);
      crc = zlib.crc32(body, crc);
    }
    h.writeUInt32LE(n, 4);
    count++;
    b = e;
    if (o.crcEvery && ++sinceCrc % o.crcEvery === 0) {
      const ch = Buffer.alloc(16);
      ch.writeUInt16LE(0xcac4, 0);
      ch.writeUInt32LE(16, 8);
      ch.writeUInt32LE(crc >>> 0, 12);
      chunks.push(ch);
      count++;
    }
  }
  const head = Buffer.alloc(28);
  head.writeUInt32LE(0xed26ff3a, 0);
  head.writeUInt16LE(1, 4);
  head.writeUInt16LE(0, 6);
  head.writeUInt16LE(28, 8);
  head.writeUInt16LE(12, 10);
  head.writeUInt32LE(bs, 12);
  head.writeUInt32LE(blocks, 16);
  head.writeUInt32LE(count, 20);
  return Buffer.concat([head, ...chunks]);
}
