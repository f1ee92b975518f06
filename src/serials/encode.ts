import { JobError } from '../errors.js';

/** How a value's bytes are laid out on the chip. */
export type SerialEncoding = 'ascii' | 'bin-le' | 'bin-be' | 'bcd';

/** The ASCII bytes of `text`; only printable ASCII (0x20–0x7E) is accepted. */
export function encodeAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new JobError('serial-encoding', `serial text ${JSON.stringify(text)} has a character that is not printable ASCII at position ${i + 1}`);
    out[i] = c;
  }
  return out;
}

/** Largest value that `bytes` bytes of binary hold. */
export function binaryMax(bytes: number): bigint {
  return (1n << BigInt(8 * bytes)) - 1n;
}

/** Largest value that `bytes` bytes of packed BCD hold (two decimal digits a byte). */
export function bcdMax(bytes: number): bigint {
  return 10n ** BigInt(2 * bytes) - 1n;
}

/** `n` as an unsigned integer of `bytes` bytes (1–8), least (`le`) or most (`be`) significant byte first. */
export function encodeBinary(n: bigint, bytes: number, order: 'le' | 'be'): Uint8Array {
  if (n < 0n || n > binaryMax(bytes)) throw new JobError('serial-range', `value ${n} does not fit in ${bytes} byte${bytes === 1 ? '' : 's'} of binary (0..${binaryMax(bytes)})`);
  const out = new Uint8Array(bytes);
  let v = n;
  for (let i = 0; i < bytes; i++) {
    out[order === 'le' ? i : bytes - 1 - i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** `n` as packed BCD in `bytes` bytes: two decimal digits a byte, the most significant digits first (1234 → 12 34). */
export function encodeBcd(n: bigint, bytes: number): Uint8Array {
  if (n < 0n || n > bcdMax(bytes)) throw new JobError('serial-range', `value ${n} does not fit in ${bytes} byte${bytes === 1 ? '' : 's'} of BCD (0..${bcdMax(bytes)})`);
  const digits = n.toString().padStart(2 * bytes, '0');
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = ((digits.charCodeAt(2 * i) - 48) << 4) | (digits.charCodeAt(2 * i + 1) - 48);
  return out;
}

/** Bytes as upper-case hex pairs without separators (how the ledger records written data). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
