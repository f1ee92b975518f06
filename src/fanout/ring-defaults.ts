/**
 * The chunk ring's size when a run does not set it (FarmSession's `ring` option, `run --ring-slots/--ring-chunk`).
 * Picked with `npm run bench:fanout` (ring rows, 8 programmers on 2 cores, warm sessions): 16, 32 and 64 × 1 MiB and
 * 128 × 256 KiB ran within 4 % of each other (1106–1148 ms a wave of 1 GiB), 8 × 4 MiB was the slowest (1203 ms);
 * 32 × 1 MiB takes half the shared memory of 64 and 35 MB less peak RSS.
 */
export const RING_DEFAULTS = {
  /** Slots in the ring. @default 32 */
  slots: 32,
  /** Bytes per slot. @default 1048576 (1 MiB) */
  chunkSize: 1 << 20,
} as const;
