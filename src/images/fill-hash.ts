import type { Hash } from 'node:crypto';

const SPAN = 1 << 20;
/** Pre-filled 0xFF span, the common case, kept for the life of the process. */
const FF_SPAN = Buffer.alloc(SPAN, 0xff);
let other: Buffer | null = null;
let otherValue = -1;

/** Feeds `length` bytes of value `byte` into a hash from a reused pre-filled buffer (nothing allocated per run). */
export function hashFill(hash: Hash, byte: number, length: number): void {
  let span: Buffer = FF_SPAN;
  if (byte !== 0xff) {
    other ??= Buffer.allocUnsafe(SPAN);
    if (otherValue !== byte) {
      other.fill(byte);
      otherValue = byte;
    }
    span = other;
  }
  for (; length >= SPAN; length -= SPAN) hash.update(span);
  if (length > 0) hash.update(span.subarray(0, length));
}
