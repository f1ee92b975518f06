import type { Chip } from '../catalog/chip.js';
import { JobError } from '../errors.js';
import { usableBytes } from '../layout/fit.js';
import { prepareNand } from '../layout/nand.js';
import { formatSerial, serialNumberAt, type SerialRule } from './serial.js';
import type { JobSpec } from './spec.js';

/** Usable bytes of the area a job's serial goes to: the chip's usable area, or on NAND the blocks the image spans. */
export function serialAreaBytes(chip: Chip, spec: JobSpec): number {
  if (spec.nand) {
    const layout = prepareNand(chip, spec.image.size, spec.nand.scheme, { withSpare: spec.nand.withSpare, file: spec.nand.schemeFile, imageName: spec.image.path });
    return layout.imageBlocks * layout.blockBytes;
  }
  return usableBytes(chip, {});
}

/**
 * Refuses, before a run, a serial rule whose values for `devices` devices will not all fit: the last value (start +
 * (devices − 1) × step) past 2^53, or, grown by digits, past the end of the area at the rule's offset.
 */
export function checkSerialsFit(rule: SerialRule, devices: number, areaBytes: number): void {
  if (devices < 1) return;
  const last = serialNumberAt(rule, devices - 1);
  const lastText = Number.isSafeInteger(last) ? formatSerial(rule, last) : undefined;
  if (lastText === undefined) {
    throw new JobError('serial-range', `serial numbers from ${formatSerial(rule, rule.start)} by ${rule.step} for ${devices} devices go past 2^53; choose a smaller START or STEP`);
  }
  if (rule.offset === null) return;
  const end = rule.offset + lastText.length;
  if (end > areaBytes) {
    throw new JobError(
      'serial-outside-chip',
      `the lot's last serial ${lastText} (device ${devices} of ${devices}) takes bytes ${rule.offset}..${end}, past the end of the usable area (${areaBytes} bytes); no device was programmed. Create a job with a smaller @OFFSET, or a START with more leading zeros`,
    );
  }
}
