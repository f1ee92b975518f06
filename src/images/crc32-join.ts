import zlib from 'node:zlib';

/** CRC-32 of a run of bytes split into fixed-size grains, as the fan-out ring's writer publishes them with its slots. */
export interface GrainCrcs {
  /** Bytes per grain; the last grain of an extent may be shorter. */
  size: number;
  /** CRC-32 (zlib.crc32, from 0) of grain i: bytes [i·size, (i+1)·size) of the extent's `bytes`. */
  crcs: Uint32Array;
}

const joiners = new Map<number, Uint32Array>();

/**
 * The linear map `c ↦ zlib.crc32(zeros(n), c) ^ zlib.crc32(zeros(n), 0)` as 32 columns: CRC-32 is affine in its
 * starting value, so this map carries the CRC of A over n more bytes, whatever they are.
 */
function joinerOf(n: number): Uint32Array {
  let m = joiners.get(n);
  if (m) return m;
  const zeros = new Uint8Array(n);
  const base = zlib.crc32(zeros, 0);
  m = new Uint32Array(32);
  for (let j = 0; j < 32; j++) m[j] = (zlib.crc32(zeros, 2 ** j) ^ base) >>> 0;
  joiners.set(n, m);
  return m;
}

/**
 * CRC-32 of A followed by B, from `crcA` = zlib.crc32(A) and `crcB` = zlib.crc32(B) where B is `lengthB` bytes long:
 * the same value as zlib.crc32(B, crcA), without reading B's bytes again. The map for each length is built once.
 */
export function crc32Join(crcA: number, crcB: number, lengthB: number): number {
  const m = joinerOf(lengthB);
  let r = crcB;
  for (let i = 0, v = crcA >>> 0; v !== 0; i++, v >>>= 1) if (v & 1) r ^= m[i];
  return r >>> 0;
}
