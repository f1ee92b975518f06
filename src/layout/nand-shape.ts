import { nandGeometry, type Chip } from '../catalog/chip.js';
import { LayoutError } from '../errors.js';

/** How a NAND image is laid out in bytes: data-only pages, or page+spare (OOB) interleaved. */
export interface NandImageShape {
  /** The image holds page+spare interleaved (each page's data followed by its spare area). */
  withSpare: boolean;
  /** How `withSpare` was decided: stated by the job, detected from the size, or the data-only default. */
  decidedBy: 'stated' | 'size' | 'default';
  /** Bytes of one page in the image (pageSize, or pageSize + spareSize with spare). */
  pageBytes: number;
  /** Bytes of one erase block in the image (pageBytes × pagesPerBlock). */
  blockBytes: number;
  /** Erase blocks the image spans (a partial last block counts as one). */
  imageBlocks: number;
}

/** Options for reading a NAND image's shape. */
export interface NandShapeOptions {
  /** The job states whether the image carries spare bytes; undefined detects it from the size. @default undefined */
  withSpare?: boolean;
}

/** Bytes of one erase block as the image holds it, with or without the spare area. */
export function nandBlockBytes(chip: Chip, withSpare: boolean): number {
  const g = nandGeometry(chip);
  return (g.pageSize + (withSpare ? g.spareSize : 0)) * g.pagesPerBlock;
}

/**
 * Decides whether a NAND image is data-only or data+spare and how many blocks it spans. Detection: a size that is
 * a whole number of (pageSize+spareSize)×pagesPerBlock blocks but not of pageSize×pagesPerBlock blocks is data+spare;
 * anything else is data-only unless the job states otherwise.
 */
export function nandImageShape(chip: Chip, imageBytes: number, opts: NandShapeOptions = {}): NandImageShape {
  const g = nandGeometry(chip);
  if (!Number.isSafeInteger(imageBytes) || imageBytes < 0) {
    throw new LayoutError('image-size-invalid', `image size ${imageBytes} is not a byte count`);
  }
  const dataBlock = nandBlockBytes(chip, false);
  const spareBlock = nandBlockBytes(chip, true);
  let withSpare: boolean;
  let decidedBy: NandImageShape['decidedBy'];
  if (opts.withSpare !== undefined) {
    withSpare = opts.withSpare;
    decidedBy = 'stated';
  } else if (g.spareSize > 0 && imageBytes > 0 && imageBytes % spareBlock === 0 && imageBytes % dataBlock !== 0) {
    withSpare = true;
    decidedBy = 'size';
  } else {
    withSpare = false;
    decidedBy = 'default';
  }
  const pageBytes = g.pageSize + (withSpare ? g.spareSize : 0);
  if (withSpare && imageBytes % pageBytes !== 0) {
    throw new LayoutError(
      'image-not-page-aligned',
      `a data+spare image must hold whole ${g.pageSize}+${g.spareSize}-byte pages of ${chip.part}, but ${imageBytes} bytes ` +
        `is not a multiple of ${pageBytes}; check the image or drop --with-spare`,
    );
  }
  const blockBytes = pageBytes * g.pagesPerBlock;
  return { withSpare, decidedBy, pageBytes, blockBytes, imageBlocks: Math.ceil(imageBytes / blockBytes) };
}
