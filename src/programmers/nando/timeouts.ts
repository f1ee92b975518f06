import { nandGeometry, type Chip } from '../../catalog/chip.js';

/** Floor of the per-transfer timeout: USB scheduling and the firmware's own latency on a busy host. @default 1000 ms */
const FLOOR_MS = 1000;
/** Typical datasheet times are multiplied by this to cover their maximum (tPROG/tBERS max is 2-10x typical). */
const MAX_OVER_TYP = 10;
/** One FSMC data cycle of the NANDO's STM32F103 with the CONF timings the driver sends (13 HCLK at 72 MHz), ms. */
const FSMC_BYTE_MS = 13 / 72_000;

/**
 * Per-transfer timeout of a NANDO driving `chip`, from the datasheet: the longest the firmware stays silent between
 * two frames the way this driver uses it — one block erase (ERASE sends progress per block), two page programs (the
 * WRITE_D ack waits for the program in flight before starting the next), the marker reads of one block (READ_BB sends
 * progress per block) — at `MAX_OVER_TYP` times the typical values, never below one second. The driver never sets
 * the firmware's skip-bad-block flag, whose first use scans the whole chip without sending a frame.
 */
export function nandoTimeoutMs(chip: Chip): number {
  const t = chip.timings;
  const g = nandGeometry(chip);
  const eraseMs = (t.tEraseUs ?? 10_000) / 1000;
  const programMs = (2 * (t.tProgUs ?? 2_000)) / 1000;
  // The firmware reads pages 0 and 1 of a block, whole (page + spare) when CONF names no spare-read command.
  const markerMs = 2 * ((t.tReadUs ?? 100) / 1000 + (g.pageSize + g.spareSize) * FSMC_BYTE_MS);
  return Math.max(FLOOR_MS, Math.ceil(MAX_OVER_TYP * Math.max(eraseMs, programMs, markerMs)));
}
