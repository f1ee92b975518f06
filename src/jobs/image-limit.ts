import { nandGeometry, type Chip } from '../catalog/chip.js';
import { nandBlockBytes } from '../layout/nand-shape.js';

/**
 * Most bytes any image for `chip` can expand to: its capacity, and on NAND every block with its spare area. Reading
 * an image for a job stops past this (a gzip bomb, a sparse or HEX file claiming terabytes); the exact fit is checked
 * after.
 */
export function imageLimit(chip: Chip): number {
  if (chip.kind === 'nand' || chip.kind === 'spi-nand') return Math.max(chip.capacityBytes, nandGeometry(chip).blocks * nandBlockBytes(chip, true));
  return chip.capacityBytes;
}
