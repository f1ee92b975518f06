import { emmcGeometry, nandGeometry, norGeometry, type Chip } from '../catalog/chip.js';
import type { EmmcPartition, NandScheme } from './target.js';
import { LayoutError } from '../errors.js';
import { nandBlockBytes } from './nand-shape.js';
import { sizeText } from './size-text.js';

/** Options for the capacity a chip offers an image. */
export interface FitOptions {
  /** NAND: the image holds page+spare interleaved, so capacity counts spare bytes too. @default false */
  withSpare?: boolean;
  /** NAND: bad-block scheme; `skip` counts only the datasheet's minimum valid blocks. @default { kind: 'skip' } */
  nandScheme?: NandScheme;
  /** eMMC: the hardware partition the image goes to. @default 'user' */
  partition?: EmmcPartition;
  /** Name of the image in messages (its path). @default 'image' */
  imageName?: string;
}

/**
 * The bytes of image a chip can take. NAND `skip`: minValidBlocks whole blocks (the datasheet guarantees no more
 * good blocks over the device's life); NAND partitions: the partitions' blocks; eMMC: the chosen hardware
 * partition; NOR/MCU: the whole array.
 */
export function usableBytes(chip: Chip, opts: FitOptions = {}): number {
  switch (chip.kind) {
    case 'nand':
    case 'spi-nand': {
      const g = nandGeometry(chip);
      const block = nandBlockBytes(chip, opts.withSpare ?? false);
      const scheme = opts.nandScheme ?? { kind: 'skip' };
      if (scheme.kind === 'skip') return Math.min(g.minValidBlocks, g.blocks) * block;
      return scheme.partitions.reduce((sum, p) => sum + p.blocks, 0) * block;
    }
    case 'emmc': {
      const g = emmcGeometry(chip);
      const part = opts.partition ?? 'user';
      return part === 'user' ? g.userBytes : g.bootBytes;
    }
    case 'spi-nor':
    case 'mcu': {
      const g = norGeometry(chip);
      return g.sectors * g.sectorSize || chip.capacityBytes;
    }
  }
}

/** Refuses (LayoutError `image-too-large`) an image bigger than the chip's usable capacity; returns that capacity. */
export function checkFits(chip: Chip, imageSize: number, opts: FitOptions = {}): number {
  const usable = usableBytes(chip, opts);
  if (imageSize > usable) {
    const where = chip.kind === 'emmc' ? ` ${(opts.partition ?? 'user').toUpperCase()} partition` : '';
    const basis =
      (chip.kind === 'nand' || chip.kind === 'spi-nand') && (opts.nandScheme ?? { kind: 'skip' }).kind === 'skip'
        ? ` (${nandGeometry(chip).minValidBlocks} guaranteed-good blocks${opts.withSpare ? ' with spare' : ''})`
        : '';
    throw new LayoutError(
      'image-too-large',
      `${opts.imageName ?? 'image'} is ${sizeText(imageSize)}, larger than the usable capacity of the ${chip.part}${where}, ` +
        `${sizeText(usable)}${basis}; use a smaller image or a bigger chip`,
    );
  }
  return usable;
}
