import { nandGeometry, type Chip } from '../catalog/chip.js';
import type { NandScheme } from './target.js';
import { LayoutError } from '../errors.js';
import { checkFits } from './fit.js';
import { nandImageShape, type NandImageShape } from './nand-shape.js';
import { NandPlacer } from './nand-placer.js';
import { nandRegions, type NandRegion, type SchemeSource } from './nand-scheme.js';

/** A NAND layout checked against the chip and the image once, ready to map any device's bad blocks. */
export interface NandLayout extends NandImageShape {
  part: string;
  imageBytes: number;
  /** Blocks of the chip. */
  chipBlocks: number;
  /** The scheme's regions in block order (one `chip` region for `skip`). */
  regions: NandRegion[];
}

/** A device's bad blocks exceed a region's reserve: the device fails with `too-many-bad-blocks`. */
export interface TooManyBadBlocks {
  code: 'too-many-bad-blocks';
  /** The partition's name, or `chip` for the `skip` scheme. */
  partition: string;
  /** The device's bad blocks inside that partition. */
  badBlocks: number[];
  /** Bad blocks the partition can absorb. */
  reserve: number;
  message: string;
}

/** Where each image block goes on one device. */
export interface NandMap {
  ok: true;
  /** Image block index → physical block. */
  map: Int32Array;
  /** Bytes of one image block (with spare when the image has it). */
  blockBytes: number;
  withSpare: boolean;
}

/** The plan for one device: its block map, or the reason it cannot hold the image. */
export type NandPlan = NandMap | { ok: false; failure: TooManyBadBlocks };

/** Options for planning a NAND layout. */
export interface NandPlanOptions extends SchemeSource {
  /** The image holds page+spare interleaved; undefined detects it from the size. @default undefined */
  withSpare?: boolean;
  /** Name of the image in messages (its path). @default 'image' */
  imageName?: string;
}

/**
 * Checks an image and a bad-block scheme against a NAND chip (size, partitions) and returns the layout; throws a
 * LayoutError before any device is touched when they cannot work on any device of this chip.
 */
export function prepareNand(chip: Chip, imageBytes: number, scheme: NandScheme, opts: NandPlanOptions = {}): NandLayout {
  const g = nandGeometry(chip);
  const shape = nandImageShape(chip, imageBytes, { withSpare: opts.withSpare });
  checkFits(chip, imageBytes, { withSpare: shape.withSpare, nandScheme: scheme, imageName: opts.imageName });
  const regions = nandRegions(chip, imageBytes, shape.blockBytes, scheme, opts);
  return { ...shape, part: chip.part, imageBytes, chipBlocks: g.blocks, regions };
}

/** Maps every image block of `layout` to a physical block of a device with these bad blocks (skip scheme per region). */
export function mapNand(layout: NandLayout, badBlocks: readonly number[]): NandPlan {
  const bad = new Uint8Array(layout.chipBlocks);
  for (const b of badBlocks) {
    if (!Number.isInteger(b) || b < 0 || b >= layout.chipBlocks) {
      throw new LayoutError('bad-block-out-of-range', `bad block ${b} is outside ${layout.part}'s blocks 0..${layout.chipBlocks - 1}`);
    }
    bad[b] = 1;
  }
  const placer = new NandPlacer(layout.regions, bad);
  const map = new Int32Array(layout.imageBlocks).fill(-1);
  for (const r of layout.regions) {
    for (let k = 0; k < r.imageBlocks; k++) {
      const p = placer.place(r.firstImageBlock + k);
      if (typeof p !== 'number') return { ok: false, failure: { code: 'too-many-bad-blocks', partition: r.name, badBlocks: p.badBlocks, reserve: r.reserve, message: p.message } };
      map[r.firstImageBlock + k] = p;
    }
  }
  return { ok: true, map, blockBytes: layout.blockBytes, withSpare: layout.withSpare };
}

/** Plans a NAND image on one device: validates (throws LayoutError) then maps its bad blocks. */
export function planNand(chip: Chip, imageBytes: number, scheme: NandScheme, badBlocks: readonly number[], opts: NandPlanOptions = {}): NandPlan {
  return mapNand(prepareNand(chip, imageBytes, scheme, opts), badBlocks);
}
