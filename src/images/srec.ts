import { ImageFormatError } from '../errors.js';
import { RecordAssembler } from './assembler.js';
import type { Extent } from './extent.js';
import { decodeHex, hex2 } from './hex-digits.js';
import type { ChunkInput } from './input.js';
import { LineSplitter } from './line-splitter.js';
import type { ReaderOptions } from './reader-options.js';

/** Address field width in bytes per S-record type (S4 is reserved); source: Motorola M68000 Family Programmer's Reference Manual, appendix C "S-Record Output Format". */
const ADDR_BYTES = [2, 2, 3, 4, -1, 2, 3, 4, 3, 2];

/**
 * Reads a Motorola S-record file (S0 header, S1/S2/S3 data with 16/24/32-bit addresses, S5/S6 record count,
 * S7/S8/S9 termination) as extents from address 0; gaps become fill extents. The last data record must be followed
 * by a count or termination record, so a file cut at a line boundary is caught.
 */
export async function* readSrec(input: ChunkInput, file: string, opts: ReaderOptions): AsyncGenerator<Extent> {
  const lines = new LineSplitter(input, file);
  const asm = new RecordAssembler(file, opts.fill, opts.chunkSize);
  const rec = Buffer.allocUnsafe(512);
  let dataRecords = 0;
  let ended = false;
  let counted = false;
  const fail = (code: string, msg: string) => new ImageFormatError(code, msg, { file, line: lines.lineNo });
  for (;;) {
    if (!lines.nextLine()) {
      if (await lines.fill()) continue;
      break;
    }
    const { lineBuf: b, lineStart: s, lineEnd: e } = lines;
    if (e === s) continue;
    if (ended) throw fail('data-after-end', 'data after the termination record (S7/S8/S9); remove it or fix the file');
    if (b[s] !== 0x53 /* S */ && b[s] !== 0x73) throw fail('bad-record', `line does not start with 'S' — not an S-record`);
    const type = b[s + 1] - 0x30;
    if (!(type >= 0 && type <= 9) || ADDR_BYTES[type] < 0) {
      throw fail('unknown-record-type', `unknown S-record type '${String.fromCharCode(b[s + 1] ?? 0x3f)}'; S0–S3 and S5–S9 exist`);
    }
    const chars = e - s - 2;
    if (chars < 2 || chars % 2 !== 0) throw fail('bad-record', `record has ${chars} hex characters after the type; it needs an even count`);
    const n = chars / 2;
    const bad = decodeHex(b, s + 2, n, rec);
    if (bad >= 0) throw fail('bad-record', `character '${String.fromCharCode(b[bad])}' at column ${bad - s + 1} is not a hex digit`);
    const count = rec[0];
    if (n !== count + 1) throw fail('bad-record', `record count byte says ${count} bytes follow but the line holds ${n - 1}; the line is cut or corrupt`);
    const ab = ADDR_BYTES[type];
    if (count < ab + 1) throw fail('bad-record', `S${type} record needs at least ${ab + 1} bytes after the count, not ${count}`);
    let sum = 0;
    for (let i = 0; i < n - 1; i++) sum += rec[i];
    const want = ~sum & 0xff;
    if (rec[n - 1] !== want) {
      throw fail('checksum-mismatch', `checksum is 0x${hex2(rec[n - 1])} but the record's bytes give 0x${hex2(want)}; the line is corrupt`);
    }
    let addr = 0;
    for (let i = 1; i <= ab; i++) addr = addr * 256 + rec[i];
    const len = count - ab - 1;
    if (type >= 1 && type <= 3) {
      dataRecords++;
      counted = false;
      asm.place(addr, len, lines.lineNo);
      for (const x of asm.ready) yield x;
      asm.ready.length = 0;
      asm.write(rec, 1 + ab, len);
    } else if (type === 5 || type === 6) {
      if (len !== 0) throw fail('bad-record', `S${type} count record must hold no data bytes`);
      if (addr !== dataRecords % 2 ** (8 * ab)) {
        throw fail('bad-record-count', `S${type} record says ${addr} data records but ${dataRecords} came before it; records are missing or extra`);
      }
      counted = true;
    } else if (type >= 7) {
      if (len !== 0) throw fail('bad-record', `S${type} termination record must hold no data bytes`);
      ended = true;
    }
  }
  if (!ended && !counted) {
    throw new ImageFormatError('missing-end-record', 'the file ends without a count (S5/S6) or termination (S7/S8/S9) record after its last data: it is truncated; copy it again', { file, line: lines.lineNo });
  }
  asm.finish();
  for (const x of asm.ready) yield x;
  asm.ready.length = 0;
}
