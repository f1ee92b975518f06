import { emmcGeometry, type Chip } from '../catalog/chip.js';
import type { EmmcPartition } from './target.js';
import { LayoutError } from '../errors.js';
import { checkFits } from './fit.js';

/** Image sizes a job puts into each eMMC hardware partition (absent: the partition is left alone). */
export interface EmmcImageSizes {
  user?: number;
  boot1?: number;
  boot2?: number;
}

/** One eMMC hardware partition the job writes, with its image size and the partition's capacity. */
export interface EmmcPartitionPlan {
  partition: EmmcPartition;
  imageBytes: number;
  capacityBytes: number;
}

/** Names of images in messages, per partition (their paths). */
export type EmmcImageNames = Partial<Record<EmmcPartition, string>>;

/**
 * Checks each eMMC image against its hardware partition (JEDEC JESD84-B51, partition management: user data area, two boot
 * partitions of BOOT_SIZE_MULT × 128 KiB each, and an RPMB partition that gangflash never writes) and returns the
 * partitions to write in the order user, BOOT1, BOOT2. Throws a LayoutError when an image is too large or the chip
 * has no boot partitions.
 */
export function planEmmc(chip: Chip, sizes: EmmcImageSizes, names: EmmcImageNames = {}): EmmcPartitionPlan[] {
  const g = emmcGeometry(chip);
  const out: EmmcPartitionPlan[] = [];
  for (const partition of ['user', 'boot1', 'boot2'] as const) {
    const bytes = sizes[partition];
    if (bytes === undefined) continue;
    if (partition !== 'user' && g.bootBytes <= 0) {
      throw new LayoutError('no-boot-partition', `${chip.part} has no boot partitions, so ${names[partition] ?? `the ${partition.toUpperCase()} image`} cannot be written; drop --emmc-${partition}`);
    }
    const capacityBytes = checkFits(chip, bytes, { partition, imageName: names[partition] ?? `the ${partition.toUpperCase()} image` });
    out.push({ partition, imageBytes: bytes, capacityBytes });
  }
  return out;
}
