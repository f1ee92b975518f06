import { nandGeometry, type Chip } from '../../catalog/chip.js';

/** Floor of the per-transfer timeout: USB scheduling and the firmware's own latency on a busy host. @default 1000 ms */
const FLOOR_MS = 1000;
/** Typical datasheet times are multiplied by this to cover their maximum (tPROG/tBERS max is 2-10x typical). */
const MAX_OVER_TYP = 10;

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
  const markerMs = (g.badBlockMarker.pages.length * (t.tReadUs ?? 100)) / 1000;
  return Math.max(FLOOR_MS, Math.ceil(MAX_OVER_TYP * Math.max(eraseMs, programMs, markerMs)));
}
