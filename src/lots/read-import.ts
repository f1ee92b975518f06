import fs from 'node:fs';
import { LotImportError } from '../errors.js';

/** Largest reel file `lot import` reads: 64 MiB (about a million rows; ERP exports of one lot are kilobytes). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a reel file as text, refusing before reading anything that is not a regular file (a FIFO, /dev/zero,
 * /dev/urandom, a directory) or is over MAX_IMPORT_BYTES; reads at most that many bytes whatever the file does.
 */
export function readImportFile(file: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new LotImportError('import-unreadable', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  if (!st.isFile()) throw new LotImportError('import-not-a-file', 'is not a regular file (a device, pipe or folder); export the reels to a CSV or JSON file and import that', { file });
  if (st.size > MAX_IMPORT_BYTES) throw new LotImportError('import-too-large', `is ${st.size} bytes, over the ${MAX_IMPORT_BYTES / 1024 / 1024} MiB a reel file may have; split it into several files`, { file });
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new LotImportError('import-unreadable', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new LotImportError('import-not-a-file', 'is not a regular file; import a CSV or JSON file', { file });
    const buf = Buffer.alloc(Math.min(MAX_IMPORT_BYTES + 1, fs.fstatSync(fd).size + 1));
    let n = 0;
    for (let got = 1; got > 0 && n < buf.length; n += got) got = fs.readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_IMPORT_BYTES) throw new LotImportError('import-too-large', `is over the ${MAX_IMPORT_BYTES / 1024 / 1024} MiB a reel file may have; split it into several files`, { file });
    const bytes = buf.subarray(0, n);
    refuseUtf16(bytes, file);
    return bytes.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** How to write a reel file gangflash reads, as a spreadsheet user does it. */
export const SAVE_AS_UTF8 = 'save it as UTF-8 (in Excel: Save As, "CSV UTF-8 (Comma delimited)") and import it again';

/**
 * Refuses UTF-16 text (Excel's "Unicode Text" and some ERP exports): a UTF-16 byte-order mark, or NUL bytes in the
 * first line (UTF-16 without a mark). Read as UTF-8 it would be a header of letters between NULs, reported as an
 * unknown column `"\uFFFD\uFFFDl\0o\0t\0"`.
 */
function refuseUtf16(bytes: Buffer, file: string): void {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const order = bytes[0] === 0xff ? 'little-endian' : 'big-endian';
    throw new LotImportError('import-encoding', `is UTF-16 text (${order}, byte-order mark ${bytes[0].toString(16).toUpperCase()} ${bytes[1].toString(16).toUpperCase()}), not UTF-8; ${SAVE_AS_UTF8}`, { file });
  }
  const eol = bytes.indexOf(0x0a);
  const firstLine = bytes.subarray(0, eol < 0 ? bytes.length : eol);
  if (firstLine.includes(0)) {
    throw new LotImportError('import-encoding', `holds NUL bytes in its first line: it is not UTF-8 text (UTF-16 without a byte-order mark?); ${SAVE_AS_UTF8}`, { file, line: 1 });
  }
}
