import type { Chip, NandGeometry, NorGeometry } from '../catalog/chip.js';
import { CatalogError } from '../errors.js';

/** What the planner needs to know about an image. */
export interface ImageStats {
  /** Expanded size in bytes. */
  size: number;
  /** Bytes in all-0xFF (erased-value) regions, skipped on NAND and NOR. */
  blankBytes: number;
  /** Bytes in "don't care" regions (sparse DONT_CARE), skipped on every kind. @default 0 */
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
  /** The formula with its figures, for a reader to check. */
  formula: string;
}

/** Default insert+remove time per cycle, seconds. */
export const DEFAULT_HANDLING_SEC = 8;

function need(chip: Chip, v: number | undefined, name: string): number {
  if (v === undefined || !(v > 0)) {
    throw new CatalogError('no-timings', `${chip.part} has no ${name} in the catalog and no measured history; give the time with --cycle-seconds S`);
  }
  return v;
}

/**
 * Time per cycle from the chip's datasheet figures: NAND tProg × pages of non-blank data + tErase × blocks the image
 * spans; eMMC non-blank bytes / writeBytesPerSec; NOR/MCU tProg × pages + tErase × sectors the image spans; each at
 * least the bytes over the programmer's per-site bandwidth; plus handling.
 */
export function datasheetCycleTime(chip: Chip, image: ImageStats, opts: CycleModelOptions = {}): CycleTime {
  const handlingSec = opts.handlingSec ?? DEFAULT_HANDLING_SEC;
  const dontCare = image.dontCareBytes ?? 0;
  const t = chip.timings;
  let programmedBytes: number;
  let deviceSec: number;
  let formula: string;
  if (chip.kind === 'emmc') {
    programmedBytes = Math.max(0, image.size - dontCare);
    const bw = need(chip, t.writeBytesPerSec, 'writeBytesPerSec');
    deviceSec = programmedBytes / bw;
    formula = `${programmedBytes} B / ${bw} B/s`;
  } else {
    const g = chip.geometry as NandGeometry | NorGeometry;
    const isNand = chip.kind === 'nand' || chip.kind === 'spi-nand';
    const eraseUnit = isNand ? (g as NandGeometry).pageSize * (g as NandGeometry).pagesPerBlock : (g as NorGeometry).sectorSize;
    programmedBytes = Math.max(0, image.size - image.blankBytes - dontCare);
    const pages = Math.ceil(programmedBytes / g.pageSize);
    const units = Math.ceil(image.size / eraseUnit);
    const tProg = need(chip, t.tProgUs, 'tProgUs');
    const tErase = need(chip, t.tEraseUs, 'tEraseUs');
    deviceSec = (pages * tProg + units * tErase) / 1e6;
    formula = `${pages} pages × ${tProg} µs + ${units} ${isNand ? 'blocks' : 'sectors'} × ${tErase} µs`;
  }
  if (opts.siteBytesPerSec && programmedBytes / opts.siteBytesPerSec > deviceSec) {
    deviceSec = programmedBytes / opts.siteBytesPerSec;
    formula = `${programmedBytes} B / ${opts.siteBytesPerSec} B/s per site (programmer-limited)`;
  }
  return { deviceSec, handlingSec, totalSec: deviceSec + handlingSec, programmedBytes, formula: `${formula} + ${handlingSec} s handling` };
}
