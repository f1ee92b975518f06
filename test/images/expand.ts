import crypto from 'node:crypto';
import { isData } from '../../src/images/extent.js';
import { openImage, type OpenImageOptions } from '../../src/images/open.js';

/** Reads an image through `openImage` into one buffer (test sizes only), checking extents are contiguous and sized. */
export async function expandImage(path: string, opts: OpenImageOptions = {}): Promise<Buffer> {
  const src = await openImage(path, opts);
  const parts: Buffer[] = [];
  let at = 0;
  for await (const e of src.extents()) {
    if (e.offset !== at) throw new Error(`extent at ${e.offset} but the previous one ended at ${at}`);
    if (!(e.length > 0)) throw new Error(`empty extent at ${at}`);
    if (isData(e)) {
      if (e.bytes.length !== e.length) throw new Error(`data extent length ${e.length} but ${e.bytes.length} bytes`);
      parts.push(Buffer.from(e.bytes));
    } else {
      parts.push(Buffer.alloc(e.length, e.dontCare ? 0xff : e.fill));
    }
    at += e.length;
  }
  return Buffer.concat(parts);
}

/** SHA-256 hex of bytes. */
export function sha256(b: Uint8Array): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

/** Number of 64 KiB units of `b` that are all 0xFF. */
export function blankUnits(b: Buffer): number {
  let n = 0;
  for (let o = 0; o < b.length; o += 65536) if (b.subarray(o, o + 65536).every((x) => x === 0xff)) n++;
  return n;
}
