import { ImageFormatError } from '../errors.js';
import { RecordAssembler } from './assembler.js';
import type { Extent } from './extent.js';
import { decodeHex, hex2 } from './hex-digits.js';
import type { ChunkInput } from './input.js';
import { LineSplitter } from './line-splitter.js';
import type { ReaderOptions } from './reader-options.js';

/**
 * Reads an Intel HEX file (record types 00 data, 01 end of file, 02 extended segment address, 03 start segment
 * address, 04 extended linear address, 05 start linear address; Intel "Hexadecimal Object File Format
 * Specification" rev. A, 1988) as extents from address 0; gaps become fill extents.
 */
export async function* readIntelHex(input: ChunkInput, file: string, opts: ReaderOptions): AsyncGenerator<Extent> {
  const lines = new LineSplitter(input, file);
  const asm = new RecordAssembler(file, opts.fill, opts.chunkSize);
  const rec = Buffer.allocUnsafe(512);
  let base = 0;
  let ended = false;
  const fail = (code: string, msg: string) => new ImageFormatError(code, msg, { file, line: lines.lineNo });
  for (;;) {
    if (!lines.nextLine()) {
      if (await lines.fill()) continue;
      break;
    }
    const { lineBuf: b, lineStart: s, lineEnd: e, lineNo: line } = lines;
    if (e === s) continue;
    if (ended) throw fail('data-after-end', 'data after the end-of-file record (type 01); remove it or fix the file');
    if (b[s] !== 0x3a) throw fail('bad-record', `line does not start with ':' — not an Intel HEX record`);
    const chars = e - s - 1;
    if (chars < 10 || chars % 2 !== 0) throw fail('bad-record', `record has ${chars} hex characters; a record needs an even count of at least 10`);
    const n = chars / 2;
    const bad = decodeHex(b, s + 1, n, rec);
    if (bad >= 0) throw fail('bad-record', `character '${String.fromCharCode(b[bad])}' at column ${bad - s + 1} is not a hex digit`);
    const len = rec[0];
    if (n !== len + 5) throw fail('bad-record', `record says ${len} data bytes but the line holds ${n - 5}; the line is cut or corrupt`);
    let sum = 0;
    for (let i = 0; i < n - 1; i++) sum += rec[i];
    const want = (0x100 - (sum & 0xff)) & 0xff;
    if (rec[n - 1] !== want) {
      throw fail('checksum-mismatch', `checksum is 0x${hex2(rec[n - 1])} but the record's bytes give 0x${hex2(want)}; the line is corrupt`);
    }
    const addr16 = (rec[1] << 8) | rec[2];
    const type = rec[3];
    switch (type) {
      case 0x00: {
        asm.place(base + addr16, len, line);
        for (const x of asm.ready) yield x;
        asm.ready.length = 0;
        asm.write(rec, 4, len);
        break;
      }
      case 0x01:
        if (len !== 0) throw fail('bad-record', `end-of-file record (01) must hold 0 data bytes, not ${len}`);
        ended = true;
        break;
      case 0x02:
      case 0x04: {
        if (len !== 2) throw fail('bad-record', `extended address record (0${type}) must hold 2 data bytes, not ${len}`);
        const v = (rec[4] << 8) | rec[5];
        base = type === 0x02 ? v * 16 : v * 0x10000;
        break;
      }
      case 0x03:
      case 0x05:
        if (len !== 4) throw fail('bad-record', `start address record (0${type}) must hold 4 data bytes, not ${len}`);
        break;
      default:
        throw fail('unknown-record-type', `unknown Intel HEX record type 0x${hex2(type)}; only 00–05 exist`);
    }
  }
  if (!ended) {
    throw new ImageFormatError('missing-end-record', 'no end-of-file record (:00000001FF): the file is truncated; copy it again', { file, line: lines.lineNo });
  }
  asm.finish();
  for (const x of asm.ready) yield x;
  asm.ready.length = 0;
}
