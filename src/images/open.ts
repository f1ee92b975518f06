import { ImageFormatError, UsageError } from '../errors.js';
import { DETECT_BYTES, detectFormat, isGzip } from './detect.js';
import type { Extent, ImageFormat, ImageSource } from './extent.js';
import { GunzipInput } from './gzip-input.js';
import { readIntelHex } from './ihex.js';
import { FileInput, type ChunkInput } from './input.js';
import { readRaw } from './raw.js';
import type { ReaderOptions } from './reader-options.js';
import { readSparse } from './sparse.js';
import { parseSparseHeader, SPARSE } from './sparse-format.js';
import { readSrec } from './srec.js';

/** Options of `openImage`. */
export interface OpenImageOptions {
  /** Byte value of the gaps between HEX/S-record records (the erased state of the chip). @default 0xFF */
  fill?: number;
  /** Size in bytes of the read and assembly buffers; memory use is a few of these. @default 1048576 (1 MiB) */
  chunkSize?: number;
  /** Read the (decompressed) content as this format instead of detecting it, e.g. a raw image that looks like text. @default detected from content */
  format?: ImageFormat;
  /**
   * Most bytes the expanded content may have (a chip's capacity): a larger declared size (raw file, sparse header) is
   * refused before any content is read, and expansion (gzip, sparse, HEX gaps) is stopped as soon as it passes it.
   * @default unlimited
   */
  maxBytes?: number;
}

/** The error for content that expands past `maxBytes`. */
function tooLarge(file: string, what: string, max: number, offset?: number): ImageFormatError {
  return new ImageFormatError('image-too-large', `${what}, more than the ${max} bytes allowed (the chip's capacity, or --max-size); nothing more was read`, { file, offset });
}

/** Passes extents on until their end passes `max`, then throws: expansion is bounded while it streams. */
async function* bounded(extents: AsyncGenerator<Extent>, file: string, max: number | undefined): AsyncGenerator<Extent> {
  for await (const e of extents) {
    if (max !== undefined && e.offset + e.length > max) throw tooLarge(file, `the content expands past byte ${max}`, max);
    yield e;
  }
}

const MIB = 1 << 20;

/** Resolves and checks reader options. */
export function readerOptions(opts: OpenImageOptions): ReaderOptions {
  const fill = opts.fill ?? 0xff;
  const chunkSize = opts.chunkSize ?? MIB;
  if (!Number.isInteger(fill) || fill < 0 || fill > 0xff) throw new UsageError('bad-fill', `fill value ${fill} is not a byte (0–255, e.g. 0xFF)`);
  if (!Number.isInteger(chunkSize) || chunkSize < 64 || chunkSize > 256 * MIB) {
    throw new UsageError('bad-chunk-size', `chunk size ${chunkSize} must be an integer from 64 bytes to 256 MiB`);
  }
  return { fill, chunkSize };
}

/** Reads up to DETECT_BYTES leading bytes of an input (copied) and closes it. */
async function probe(input: ChunkInput): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  try {
    while (have < DETECT_BYTES) {
      const c = await input.next();
      if (c === null) break;
      const take = c.subarray(0, Math.min(c.length, DETECT_BYTES - have));
      parts.push(Buffer.from(take));
      have += take.length;
    }
  } finally {
    await input.close();
  }
  return Buffer.concat(parts);
}

function reader(format: ImageFormat, input: ChunkInput, file: string, ro: ReaderOptions): AsyncGenerator<Extent> {
  switch (format) {
    case 'raw':
      return readRaw(input);
    case 'ihex':
      return readIntelHex(input, file, ro);
    case 'srec':
      return readSrec(input, file, ro);
    case 'sparse':
      return readSparse(input, file, ro);
  }
}

/**
 * Opens an image file: detects gzip and the format from the content, checks what can be checked up front (a
 * sparse header), and returns an `ImageSource` whose `extents()` streams the expanded content, reading the file
 * once, in order, through reused buffers. The `bytes` of a data extent is valid only until the next extent is
 * requested: copy it to keep it. Every malformed input fails with an ImageFormatError naming the file and the line
 * (HEX, S-record) or byte offset (binary formats).
 */
export async function openImage(path: string, opts: OpenImageOptions = {}): Promise<ImageSource> {
  const ro = readerOptions(opts);
  const plain = await FileInput.open(path, 4096);
  const fileSize = await plain.size().catch(() => 0);
  let head = await probe(plain);
  const gzip = isGzip(head);
  if (gzip) head = await probe(new GunzipInput(path, 64 * 1024));
  const format = opts.format ?? detectFormat(head);
  let size: number | undefined;
  if (format === 'sparse') {
    if (head.length < SPARSE.fileHeaderSize) {
      throw new ImageFormatError('truncated', `file ends inside the 28-byte sparse file header; copy it again`, { file: path, offset: head.length });
    }
    const h = parseSparseHeader(head, path);
    size = h.size;
    if (opts.maxBytes !== undefined && size > opts.maxBytes) throw tooLarge(path, `the sparse header declares ${h.totalBlocks} blocks of ${h.blockSize} bytes (${size} bytes)`, opts.maxBytes, 16);
    // Every chunk has a 12-byte header: a file cannot hold more chunks than its size allows.
    const room = Math.floor((fileSize - SPARSE.fileHeaderSize) / SPARSE.chunkHeaderSize);
    if (!gzip && h.totalChunks > room) {
      throw new ImageFormatError('sparse-bad-header', `sparse header declares ${h.totalChunks} chunks but a file of ${fileSize} bytes holds at most ${room}; the image is truncated or corrupt`, { file: path, offset: 20 });
    }
  } else if (format === 'raw' && !gzip) {
    size = fileSize;
    if (opts.maxBytes !== undefined && size > opts.maxBytes) throw tooLarge(path, `the file is ${size} bytes`, opts.maxBytes);
  }
  const max = opts.maxBytes;
  return {
    path,
    format,
    gzip,
    size,
    async *extents(): AsyncGenerator<Extent> {
      const input: ChunkInput = gzip ? new GunzipInput(path, ro.chunkSize) : await FileInput.open(path, ro.chunkSize);
      try {
        yield* bounded(reader(format, input, path, ro), path, max);
      } finally {
        await input.close();
      }
    },
  };
}
