/** Value of each ASCII byte as a hex digit, or -1. */
const DIGIT = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) DIGIT[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  DIGIT[0x41 + i] = 10 + i;
  DIGIT[0x61 + i] = 10 + i;
}

/** True when `b` is an ASCII hex digit. */
export function isHexDigit(b: number): boolean {
  return DIGIT[b] >= 0;
}

/**
 * Decodes `n` bytes written as hex text at `src[start…]` into `dst[0…n)`.
 * Returns -1 when done, else the index in `src` of the first character that is not a hex digit.
 */
export function decodeHex(src: Uint8Array, start: number, n: number, dst: Uint8Array): number {
  for (let i = 0, p = start; i < n; i++, p += 2) {
    const hi = DIGIT[src[p]];
    const lo = DIGIT[src[p + 1]];
    if ((hi | lo) < 0) return hi < 0 ? p : p + 1;
    dst[i] = (hi << 4) | lo;
  }
  return -1;
}

/** A byte as two upper-case hex digits. */
export function hex2(v: number): string {
  return v.toString(16).toUpperCase().padStart(2, '0');
}
