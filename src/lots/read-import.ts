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
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
