import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { ImageFormatError } from '../errors.js';
import { crc32Repeat } from './crc32-repeat.js';
import { isData, type ImageFormat } from './extent.js';
import { hashFill } from './fill-hash.js';
import { openImage, type OpenImageOptions } from './open.js';
import { UNIT, UnitCounter } from './units.js';

/** Count and total length of one kind of extent. */
export interface ExtentTally {
  /** Number of extents of this kind. */
  count: number;
  /** Total expanded bytes they cover. */
  bytes: number;
}

/** What `inspectImage` finds out about an image; digests are of the expanded content, don't-care read as 0xFF. */
export interface ImageInspection {
  /** The file inspected, as given. */
  path: string;
  /** Format detected from the (decompressed) content. */
  format: ImageFormat;
  /** True when the file was gzip-compressed. */
  gzip: boolean;
  /** Expanded size in bytes. */
  size: number;
  /** SHA-256 of the expanded content, lower-case hex. */
  sha256: string;
  /** CRC-32 (IEEE) of the expanded content, 8 lower-case hex digits. */
  crc32: string;
  /** Size of the units the shares are counted in (64 KiB). */
  unitSize: number;
  /** Number of units (the last may be partial). */
  units: number;
  /** Units whose bytes are all 0xFF. */
  blankUnits: number;
  /** Units lying wholly in fill or don't-care regions. */
  fillUnits: number;
  /** blankUnits / units (0 for an empty image). */
  blankShare: number;
  /** fillUnits / units (0 for an empty image). */
  fillShare: number;
  /** Extents by kind: data (real bytes), fill (a repeated byte), dontCare (sparse DONT_CARE). */
  extents: { data: ExtentTally; fill: ExtentTally; dontCare: ExtentTally };
  /** Wall-clock seconds the inspection took. */
  seconds: number;
}

/** Reads an image once and reports its format, expanded size, SHA-256, CRC-32, blank and fill shares and extents. */
export async function inspectImage(path: string, opts: OpenImageOptions = {}): Promise<ImageInspection> {
  const t0 = process.hrtime.bigint();
  const src = await openImage(path, opts);
  const sha = crypto.createHash('sha256');
  let crc = 0;
  let size = 0;
  const units = new UnitCounter();
  const data = { count: 0, bytes: 0 };
  const fill = { count: 0, bytes: 0 };
  const dontCare = { count: 0, bytes: 0 };
  for await (const e of src.extents()) {
    if (isData(e)) {
      sha.update(e.bytes);
      crc = zlib.crc32(e.bytes, crc);
      units.data(e.bytes);
      data.count++;
      data.bytes += e.length;
    } else {
      const value = e.dontCare ? 0xff : e.fill;
      hashFill(sha, value, e.length);
      crc = crc32Repeat(crc, value, e.length);
      units.fillRun(e.length, value === 0xff);
      const t = e.dontCare ? dontCare : fill;
      t.count++;
      t.bytes += e.length;
    }
    size += e.length;
  }
  units.finish();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    path,
    format: src.format,
    gzip: src.gzip,
    size,
    sha256: sha.digest('hex'),
    crc32: (crc >>> 0).toString(16).padStart(8, '0'),
    unitSize: UNIT,
    units: units.units,
    blankUnits: units.blank,
    fillUnits: units.fill,
    blankShare: units.units ? units.blank / units.units : 0,
    fillShare: units.units ? units.fill / units.units : 0,
    extents: { data, fill, dontCare },
    seconds,
  };
}

/** SHA-256 (lower-case hex) of an image's expanded content, as a job pins it. */
export async function imageDigest(path: string, opts: OpenImageOptions = {}): Promise<string> {
  const src = await openImage(path, opts);
  const sha = crypto.createHash('sha256');
  for await (const e of src.extents()) {
    if (isData(e)) sha.update(e.bytes);
    else hashFill(sha, e.dontCare ? 0xff : e.fill, e.length);
  }
  return sha.digest('hex');
}

/** Throws ImageFormatError `image-changed` when the image's expanded content no longer has SHA-256 `sha256`. */
export async function assertImageUnchanged(path: string, sha256: string, opts: OpenImageOptions = {}): Promise<void> {
  let now: string;
  try {
    now = await imageDigest(path, opts);
  } catch (e) {
    // grown past the pinned size (opts.maxBytes): changed, and not read further
    if (e instanceof ImageFormatError && e.code === 'image-too-large') throw new ImageFormatError('image-changed', `image content changed since the job pinned it: it now expands past its pinned ${opts.maxBytes} bytes; re-create the job for the new image or restore the file`, { file: path });
    throw e;
  }
  if (now !== sha256.toLowerCase()) {
    throw new ImageFormatError('image-changed', `image content changed since the job pinned it (SHA-256 was ${sha256}, is now ${now}); re-create the job for the new image or restore the file`, { file: path });
  }
}
