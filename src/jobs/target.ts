import type { ExtCsdWrite } from '../layout/ext-csd.js';
import type { EmmcPartition, ProgramTarget } from '../layout/target.js';
import type { ImagePin } from './image-pin.js';
import type { SerialRule } from './serial.js';
import type { JobSpec } from './spec.js';

/** One image a cycle's program stage writes, and where it goes. */
export interface ProgramStep {
  image: ImagePin;
  target: ProgramTarget;
}

/** Blank (0xFF) fill regions may be skipped only after an erase, and never on eMMC (its erased value varies). */
function skipBlank(spec: JobSpec): boolean {
  return spec.ops.includes('erase') && spec.emmc === undefined;
}

/** Where program() puts the job's main image (NAND scheme and spare, eMMC user area, blank skipping). */
export function programTarget(spec: JobSpec): ProgramTarget {
  const target: ProgramTarget = { skipBlank: skipBlank(spec) };
  if (spec.nand) {
    target.nandScheme = spec.nand.scheme;
    target.withSpare = spec.nand.withSpare;
  }
  if (spec.emmc) target.partition = 'user';
  return target;
}

/** Every image the program stage writes, in order: the main image, then eMMC BOOT1 and BOOT2 when the job has them. */
export function programSteps(spec: JobSpec): ProgramStep[] {
  const steps: ProgramStep[] = [{ image: spec.image, target: programTarget(spec) }];
  for (const partition of ['boot1', 'boot2'] as const satisfies readonly EmmcPartition[]) {
    const image = spec.emmc?.[partition];
    if (image) steps.push({ image, target: { partition, skipBlank: false } });
  }
  return steps;
}

/** The EXT_CSD bytes to write after programming (eMMC), or none. */
export function extCsdWrites(spec: JobSpec): ExtCsdWrite[] {
  return spec.emmc?.extCsd ?? [];
}

/** The job's serial numbering rule, or null when it writes no serials. */
export function serialRule(spec: JobSpec): SerialRule | null {
  if (!spec.serial) return null;
  const { prefix, start, step, width, offset } = spec.serial;
  return { prefix, start, step, width, offset };
}
