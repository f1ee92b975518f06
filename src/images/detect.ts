import { SPARSE } from './sparse-format.js';
import type { ImageFormat } from './extent.js';
import { isHexDigit } from './hex-digits.js';

/** How many leading bytes `detectFormat` looks at. */
export const DETECT_BYTES = 64;

/** True when the bytes start with the gzip magic 1F 8B (RFC 1952). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function hexRun(head: Uint8Array, from: number, n: number): boolean {
  if (from + n > head.length) return false;
  for (let i = from; i < from + n; i++) if (!isHexDigit(head[i])) return false;
  return true;
}

/**
 * The image format of (decompressed) content from its first bytes: Android sparse magic, an Intel HEX record
 * (':' and a 2-hex-digit byte count), an S-record ('S', a digit, 6 hex digits), else raw. Leading blank lines are skipped.
 */
export function detectFormat(head: Uint8Array): ImageFormat {
  if (head.length >= 4 && Buffer.from(head.buffer, head.byteOffset, 4).readUInt32LE(0) === SPARSE.magic) return 'sparse';
  let i = 0;
  while (i < head.length && (head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x20 || head[i] === 0x09)) i++;
  // ':' and a hex byte count is an Intel HEX record, even when the rest of the line is corrupt: the HEX reader then
  // names the bad line, rather than the text being programmed as a raw image (--format raw reads it as raw).
  if (head[i] === 0x3a && hexRun(head, i + 1, 2)) return 'ihex';
  if ((head[i] === 0x53 || head[i] === 0x73) && head[i + 1] >= 0x30 && head[i + 1] <= 0x39 && hexRun(head, i + 2, 6)) return 'srec';
  return 'raw';
}
