import { ImageFormatError } from '../errors.js';

/**
 * Android sparse image layout; source: AOSP system/core/libsparse/sparse_format.h (file header 28 bytes,
 * chunk header 12 bytes, little-endian fields).
 */
export const SPARSE = {
  magic: 0xed26ff3a,
  fileHeaderSize: 28,
  chunkHeaderSize: 12,
  raw: 0xcac1,
  fill: 0xcac2,
  dontCare: 0xcac3,
  crc32: 0xcac4,
} as const;

/** The checked fields of a sparse file header. */
export interface SparseHeader {
  blockSize: number;
  totalBlocks: number;
  totalChunks: number;
  /** CRC32 of the original data as written by the tool (0 when not computed). */
  imageChecksum: number;
  /** Expanded size in bytes: blockSize × totalBlocks. */
  size: number;
}

/** Validates a 28-byte sparse file header; every disagreement is an ImageFormatError at its field's byte offset. */
export function parseSparseHeader(h: Buffer, file: string): SparseHeader {
  const bad = (offset: number, msg: string) => new ImageFormatError('sparse-bad-header', `sparse header: ${msg}`, { file, offset });
  if (h.readUInt32LE(0) !== SPARSE.magic) throw bad(0, 'magic is not 0xED26FF3A');
  const major = h.readUInt16LE(4);
  const minor = h.readUInt16LE(6);
  if (major !== 1 || minor !== 0) throw bad(4, `version ${major}.${minor} is not supported (only 1.0)`);
  const fileHdr = h.readUInt16LE(8);
  if (fileHdr !== SPARSE.fileHeaderSize) throw bad(8, `file header size is ${fileHdr}, must be ${SPARSE.fileHeaderSize}`);
  const chunkHdr = h.readUInt16LE(10);
  if (chunkHdr !== SPARSE.chunkHeaderSize) throw bad(10, `chunk header size is ${chunkHdr}, must be ${SPARSE.chunkHeaderSize}`);
  const blockSize = h.readUInt32LE(12);
  if (blockSize === 0 || blockSize % 4 !== 0) throw bad(12, `block size ${blockSize} is not a non-zero multiple of 4`);
  const totalBlocks = h.readUInt32LE(16);
  const totalChunks = h.readUInt32LE(20);
  const size = blockSize * totalBlocks;
  if (!Number.isSafeInteger(size)) throw bad(16, `${totalBlocks} blocks of ${blockSize} bytes is beyond 2^53 bytes`);
  return { blockSize, totalBlocks, totalChunks, imageChecksum: h.readUInt32LE(24), size };
}
