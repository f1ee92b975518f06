import type { Chip } from '../../catalog/chip.js';
import { nandGeometry } from '../../catalog/chip.js';
import type { SimOptions } from './options.js';
import { prngFor, uniform } from './prng.js';

/** How a defective device shows itself; each is produced by the device model and caught by the stage that checks it. */
export type DefectMode = 'erase-failed' | 'program-failed' | 'verify-failed' | 'blank-check-failed' | 'too-many-bad-blocks';

/** Everything the simulator decides about one physical device, from the seed and its label only (not its site). */
export interface DeviceFaults {
  label: string;
  /** The device is not the job's chip: it answers another ID. */
  wrongChip: boolean;
  /** A defect, when the device is defective. */
  defect?: DefectMode;
  /** Where the defect sits: unit index and byte offset inside it, and the bit that is wrong. */
  defectUnit: number;
  defectOffset: number;
  defectXor: number;
  /** NAND: factory bad blocks, ascending (block 0 is always good, as datasheets guarantee). */
  factoryBad: number[];
}

/** Defects each kind of chip can show. */
function modesFor(chip: Chip): DefectMode[] {
  if (chip.kind === 'nand' || chip.kind === 'spi-nand') return ['erase-failed', 'program-failed', 'verify-failed', 'blank-check-failed', 'too-many-bad-blocks'];
  return ['erase-failed', 'program-failed', 'verify-failed', 'blank-check-failed'];
}

/** Decides a device's faults. The same label gives the same device whichever site or cycle it is in. */
export function deviceFaults(chip: Chip, o: SimOptions, label: string, unitsHint: number, unitBytesHint: number): DeviceFaults {
  const r = prngFor(o.seed, 'device', label);
  const wrongChip = r.next() < o.wrongChipRate;
  const defective = r.next() < Math.min(1, chip.defectRate * o.defectMultiplier);
  const modes = modesFor(chip);
  const defect = defective ? modes[r.int(modes.length)] : undefined;
  const f: DeviceFaults = {
    label,
    wrongChip,
    defect,
    defectUnit: 1 + r.int(Math.max(1, unitsHint - 1)),
    defectOffset: r.int(Math.max(1, unitBytesHint)),
    defectXor: 1 << r.int(8),
    factoryBad: [],
  };
  if (chip.kind === 'nand' || chip.kind === 'spi-nand') f.factoryBad = factoryBadBlocks(chip, o, label, defect === 'too-many-bad-blocks');
  return f;
}

/** A device's factory bad blocks: a few, exponentially distributed; a `too-many-bad-blocks` device has more than allowed. */
function factoryBadBlocks(chip: Chip, o: SimOptions, label: string, tooMany: boolean): number[] {
  const g = nandGeometry(chip);
  const allowed = Math.max(0, g.blocks - g.minValidBlocks);
  const r = prngFor(o.seed, 'factory-bad', label);
  const n = tooMany ? allowed + 1 + r.int(4) : Math.min(allowed, Math.floor(-o.factoryBadBlockMean * Math.log(1 - r.next())));
  const set = new Set<number>();
  while (set.size < Math.min(n, g.blocks - 1)) set.add(1 + r.int(g.blocks - 1));
  return [...set].sort((a, b) => a - b);
}

/** Bad-contact probability of a socket at this wear (insertions / rated life). */
export function contactProbability(o: SimOptions, wear: number): number {
  return Math.min(1, o.contact.base + (o.contact.atRatedLife - o.contact.base) * wear ** 3);
}

/** True when this device in this site makes bad contact this insertion (broken sites always do). */
export function badContact(o: SimOptions, label: string, site: number, wear: number): boolean {
  if (o.brokenSites.includes(site)) return true;
  return uniform(o.seed, 'contact', label, site) < contactProbability(o, wear);
}

/** For a cycle (this programmer, these devices): undefined, or the number of units after which the link drops. */
export function linkLostAfter(o: SimOptions, programmer: string, labels: string[]): number | undefined {
  const r = prngFor(o.seed, 'link', programmer, [...labels].sort().join('\u0001'));
  return r.next() < o.linkLostRate ? 1 + r.int(8) : undefined;
}

/** NAND blocks whose erase or program fails on this device (grown bad blocks), drawn with geometric gaps: O(failures). */
export function grownBadBlocks(o: SimOptions, label: string, op: 'erase' | 'program', blocks: number): Set<number> {
  const out = new Set<number>();
  const p = o.grownBadBlockRate;
  if (p <= 0) return out;
  const r = prngFor(o.seed, 'grown', label, op);
  const step = Math.log(1 - Math.min(p, 0.999999));
  for (let b = Math.floor(Math.log(1 - r.next()) / step); b < blocks; b += 1 + Math.floor(Math.log(1 - r.next()) / step)) out.add(b);
  return out;
}
