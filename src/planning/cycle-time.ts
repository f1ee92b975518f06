import type { Chip, NandGeometry, NorGeometry } from '../catalog/chip.js';

/** What the planner needs to know about an image. */
export interface ImageStats {
  /** Expanded size in bytes. */
  size: number;
  /** Bytes in all-0xFF (erased-value) regions, don't-care included: skipped on NAND and NOR. */
  blankBytes: number;
  /** Bytes in "don't care" regions (sparse DONT_CARE), skipped on every kind (eMMC too). @default 0 */
  dontCareBytes?: number;
  /** SHA-256 of the expanded content, to find measured history of the same image. */
  sha256?: string;
}

/** Options of the datasheet cycle-time model. */
export interface CycleModelOptions {
  /** Seconds per cycle to insert and remove the devices (handler or operator). @default 8 */
  handlingSec?: number;
  /** Programmer bandwidth per site, bytes/s; program time is at least non-blank bytes / this. @default unlimited */
  siteBytesPerSec?: number;
}

/** A cycle's time and how it was derived. */
export interface CycleTime {
  /** Device time (erase + program), seconds. */
  deviceSec: number;
  handlingSec: number;
  /** deviceSec + handlingSec. */
  totalSec: number;
  /** Bytes written per device. */
  programmedBytes: number;
  /** The formula with its figures, for a reader to check (and which figures were assumed). */
  formula: string;
}

/** Bytes a device of `kind` is written with: eMMC skips don't-care only, NAND/NOR skip every erased (0xFF) byte. */
export function programmedBytes(kind: Chip['kind'], image: ImageStats): number {
  const dontCare = image.dontCareBytes ?? 0;
  return Math.max(0, image.size - (kind === 'emmc' ? dontCare : Math.max(image.blankBytes, dontCare)));
}

/** Default insert+remove time per cycle, seconds. */
export const DEFAULT_HANDLING_SEC = 8;

/**
 * Figures assumed when the catalog gives none (typical values, not datasheet facts; the same the sim farm assumes):
 * NAND tPROG 300 µs and tBERS 3 ms, eMMC 20 MB/s sustained write, SPI NOR 0.7 ms page program and 45 ms sector erase.
 */
export const ASSUMED = { nandProgUs: 300, nandEraseUs: 3000, emmcWriteBytesPerSec: 20e6, norProgUs: 700, norEraseUs: 45_000 } as const;

function figure(v: number | undefined, assumed: number, name: string, notes: string[]): number {
  if (v !== undefined && v > 0) return v;
  notes.push(`${name} ${assumed} assumed (not in the catalog)`);
  return assumed;
}

/**
 * Time per cycle from the chip's datasheet figures: NAND tProg × pages of non-blank data + tErase × blocks the image
 * spans; eMMC non-blank bytes / writeBytesPerSec; NOR/MCU tProg × pages + tErase × sectors the image spans; each at
 * least the bytes over the programmer's per-site bandwidth; plus handling.
 */
export function datasheetCycleTime(chip: Chip, image: ImageStats, opts: CycleModelOptions = {}): CycleTime {
  const handlingSec = opts.handlingSec ?? DEFAULT_HANDLING_SEC;
  const t = chip.timings;
  const notes: string[] = [];
  let programmed: number;
  let deviceSec: number;
  let formula: string;
  if (chip.kind === 'emmc') {
    programmed = programmedBytes(chip.kind, image);
    const bw = figure(t.writeBytesPerSec, ASSUMED.emmcWriteBytesPerSec, 'writeBytesPerSec', notes);
    deviceSec = programmed / bw;
    formula = `${programmed} B / ${bw} B/s`;
  } else {
    const g = chip.geometry as NandGeometry | NorGeometry;
    const isNand = chip.kind === 'nand' || chip.kind === 'spi-nand';
    const eraseUnit = isNand ? (g as NandGeometry).pageSize * (g as NandGeometry).pagesPerBlock : (g as NorGeometry).sectorSize;
    programmed = programmedBytes(chip.kind, image);
    const pages = Math.ceil(programmed / g.pageSize);
    const units = Math.ceil(image.size / eraseUnit);
    const tProg = figure(t.tProgUs, isNand ? ASSUMED.nandProgUs : ASSUMED.norProgUs, 'tProgUs', notes);
    const tErase = figure(t.tEraseUs, isNand ? ASSUMED.nandEraseUs : ASSUMED.norEraseUs, 'tEraseUs', notes);
    deviceSec = (pages * tProg + units * tErase) / 1e6;
    formula = `${pages} pages × ${tProg} µs + ${units} ${isNand ? 'blocks' : 'sectors'} × ${tErase} µs`;
  }
  if (opts.siteBytesPerSec && programmed / opts.siteBytesPerSec > deviceSec) {
    deviceSec = programmed / opts.siteBytesPerSec;
    formula = `${programmed} B / ${opts.siteBytesPerSec} B/s per site (programmer-limited)`;
  }
  return { deviceSec, handlingSec, totalSec: deviceSec + handlingSec, programmedBytes: programmed, formula: `${formula} + ${handlingSec} s handling${notes.length ? `; ${notes.join(', ')}` : ''}` };
}
