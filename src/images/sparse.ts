import zlib from 'node:zlib';
import { ImageFormatError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { crc32Repeat } from './crc32-repeat.js';
import type { Extent } from './extent.js';
import type { ChunkInput } from './input.js';
import type { ReaderOptions } from './reader-options.js';
import { parseSparseHeader, SPARSE } from './sparse-format.js';

/**
 * Reads an Android sparse image: RAW chunks become data extents viewing the input (no copy), uniform FILL chunks
 * fill extents, 4-byte-pattern FILL chunks data extents from one reused pattern buffer, DONT_CARE chunks fill
 * extents marked `dontCare` (fill 0xFF). Header and chunk sizes, the block total and the chunk count are checked,
 * and a CRC32 chunk is verified against the CRC32 of the content so far, with DONT_CARE counted as zeros as
 * libsparse does.
 */
export async function* readSparse(input: ChunkInput, file: string, opts: ReaderOptions): AsyncGenerator<Extent> {
  const r = new ByteReader(input);
  const head = Buffer.allocUnsafe(SPARSE.fileHeaderSize);
  const truncated = (what: string) =>
    new ImageFormatError('truncated', `file ends inside ${what}: the sparse image is truncated; copy it again`, { file, offset: r.offset });
  if ((await r.readInto(head, head.length)) < head.length) throw truncated('the 28-byte sparse file header');
  const h = parseSparseHeader(head, file);
  const ch = Buffer.allocUnsafe(SPARSE.chunkHeaderSize);
  const word = Buffer.allocUnsafe(4);
  let pattern: Buffer | null = null;
  let out = 0;
  let blocks = 0;
  let crc = 0;
  for (let i = 1; i <= h.totalChunks; i++) {
    const at = r.offset;
    const bad = (code: string, msg: string) => new ImageFormatError(code, `sparse chunk ${i} of ${h.totalChunks}: ${msg}`, { file, offset: at });
    if ((await r.readInto(ch, ch.length)) < ch.length) throw truncated(`the header of chunk ${i} of ${h.totalChunks}`);
    const type = ch.readUInt16LE(0);
    const chunkBlocks = ch.readUInt32LE(4);
    const totalSz = ch.readUInt32LE(8);
    if (type !== SPARSE.crc32 && blocks + chunkBlocks > h.totalBlocks) {
      throw bad('sparse-block-count', `covers blocks ${blocks}–${blocks + chunkBlocks - 1}, beyond the header's total of ${h.totalBlocks} blocks`);
    }
    const bytes = chunkBlocks * h.blockSize;
    const wantSz = (extra: number) => {
      if (totalSz !== SPARSE.chunkHeaderSize + extra) {
        throw bad('sparse-bad-chunk', `total size is ${totalSz} bytes but a chunk of its type and ${chunkBlocks} blocks takes ${SPARSE.chunkHeaderSize + extra}`);
      }
    };
    switch (type) {
      case SPARSE.raw: {
        wantSz(bytes);
        let left = bytes;
        while (left > 0) {
          const v = await r.view(left);
          if (v === null) throw truncated(`the data of chunk ${i} (RAW, ${bytes} bytes)`);
          crc = zlib.crc32(v, crc);
          yield { offset: out, length: v.length, bytes: v };
          out += v.length;
          left -= v.length;
        }
        break;
      }
      case SPARSE.fill: {
        wantSz(4);
        if ((await r.readInto(word, 4)) < 4) throw truncated(`the fill value of chunk ${i}`);
        if (bytes === 0) break;
        if (word[0] === word[1] && word[0] === word[2] && word[0] === word[3]) {
          crc = crc32Repeat(crc, word[0], bytes);
          yield { offset: out, length: bytes, fill: word[0] };
          out += bytes;
          break;
        }
        pattern ??= Buffer.allocUnsafe(Math.max(4, opts.chunkSize - (opts.chunkSize % 4)));
        const span = Math.min(pattern.length, bytes);
        pattern.fill(word, 0, span);
        for (let left = bytes; left > 0; ) {
          const n = Math.min(span, left);
          const v = pattern.subarray(0, n);
          crc = zlib.crc32(v, crc);
          yield { offset: out, length: n, bytes: v };
          out += n;
          left -= n;
        }
        break;
      }
      case SPARSE.dontCare:
        wantSz(0);
        if (bytes === 0) break;
        crc = crc32Repeat(crc, 0, bytes);
        yield { offset: out, length: bytes, fill: 0xff, dontCare: true };
        out += bytes;
        break;
      case SPARSE.crc32: {
        if (totalSz !== SPARSE.chunkHeaderSize + 4) throw bad('sparse-bad-chunk', `CRC32 chunk total size is ${totalSz} bytes, must be 16`);
        if ((await r.readInto(word, 4)) < 4) throw truncated(`the CRC32 value of chunk ${i}`);
        const want = word.readUInt32LE(0);
        if (want !== crc >>> 0) {
          throw bad('sparse-crc-mismatch', `CRC32 chunk says 0x${hex8(want)} but the content up to byte ${out} gives 0x${hex8(crc)}; the image is corrupt`);
        }
        continue;
      }
      default:
        throw bad('sparse-bad-chunk', `unknown chunk type 0x${type.toString(16)} (RAW 0xCAC1, FILL 0xCAC2, DONT_CARE 0xCAC3, CRC32 0xCAC4)`);
    }
    blocks += chunkBlocks;
  }
  if (blocks !== h.totalBlocks) {
    throw new ImageFormatError('sparse-block-count', `chunks cover ${blocks} blocks but the header says ${h.totalBlocks}; the image is truncated or corrupt`, { file, offset: r.offset });
  }
  if (!(await r.atEnd())) {
    throw new ImageFormatError('sparse-trailing-data', `data after the last of ${h.totalChunks} chunks; the header's chunk count is wrong or the file has garbage appended`, { file, offset: r.offset });
  }
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
