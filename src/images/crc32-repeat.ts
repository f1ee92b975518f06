/** Reflected CRC-32 polynomial (IEEE 802.3), the one zlib.crc32 and Android libsparse use. */
const POLY = 0xedb88320;

/** Raw CRC-32 register update of a zero register by one byte `b` (one entry of the byte table). */
function tableOf(b: number): number {
  let c = b;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  return c >>> 0;
}

function matVec(m: Uint32Array, v: number): number {
  let r = 0;
  for (let i = 0; v !== 0; i++, v >>>= 1) if (v & 1) r ^= m[i];
  return r >>> 0;
}

function matMul(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(32);
  for (let j = 0; j < 32; j++) out[j] = matVec(a, b[j]);
  return out;
}

/** The linear part of feeding one byte: r ↦ table[r & 0xff] ^ (r >>> 8), as 32 columns. */
const ONE_BYTE = (() => {
  const m = new Uint32Array(32);
  for (let j = 0; j < 32; j++) {
    const r = 2 ** j;
    m[j] = (tableOf(r & 0xff) ^ (r >>> 8)) >>> 0;
  }
  return m;
})();

/**
 * CRC-32 of content whose CRC so far is `prev`, extended by `n` bytes all equal to `byte`, in O(log n) time
 * (feeding a byte is affine in the CRC register, so n bytes compose by repeated squaring). Same result as
 * `zlib.crc32(Buffer.alloc(n, byte), prev)`.
 */
export function crc32Repeat(prev: number, byte: number, n: number): number {
  let r = ~prev >>> 0;
  let m: Uint32Array = ONE_BYTE;
  let v = tableOf(byte & 0xff);
  while (n > 0) {
    if (n % 2 === 1) r = (matVec(m, r) ^ v) >>> 0;
    n = Math.floor(n / 2);
    if (n > 0) {
      v = (matVec(m, v) ^ v) >>> 0;
      m = matMul(m, m);
    }
  }
  return ~r >>> 0;
}
