/** How an emulated board behaves; given as `emulated: {…}` in a programmer's driver options (farm.json). */
export interface EmulatedBoardOptions {
  /** Seed from which each inserted device's faults are drawn, together with its trace label. @default 1 */
  seed?: number;
  /** Factory bad blocks of every inserted NAND device; when absent, `badBlockRate` draws them per device. @default undefined */
  badBlocks?: number[];
  /** Share of NAND blocks that are factory bad, drawn per device from the seed (ignored when `badBlocks` is set). @default 0 */
  badBlockRate?: number;
  /** Blocks that fail erase/program on every device (grown bad blocks). @default [] */
  failingBlocks?: number[];
  /** ID bytes (hex) the inserted devices answer with instead of the job chip's: a wrong part on the reel. @default undefined */
  idBytes?: string;
  /** Part the board emulates; the worker has no catalog, so it must name the job's chip when given. @default the job's chip */
  chip?: string;
  /** The board drops off the bus after this many bulk transfers (a cable pulled mid-write). @default never */
  dropAfterTransfers?: number;
  /** USB serial number the emulated board reports. @default null (like most CH341A boards) */
  usbSerial?: string;
  /** Parallel NAND pages (rows) whose program reports FAIL although their block erases. @default [] */
  programFailRows?: number[];
  /** Parallel NAND blocks whose program never finishes (R/B# stays low). @default [] */
  hangingBlocks?: number[];
  /** SPI NAND configuration register B0h at power-up (an ordering variant, e.g. W25N01GVxxIT with BUF = 0). @default the catalog's configured value */
  configAtPowerUp?: number;
}

/** A deterministic 32-bit hash of a seed and a label (FNV-1a), for per-device fault draws. */
export function seedOf(seed: number, label: string): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** A small seeded PRNG (mulberry32) returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The factory bad blocks of one inserted device: the fixed list, or a seeded draw at `badBlockRate` (never block 0). */
export function factoryBadBlocks(opts: EmulatedBoardOptions, label: string, blocks: number): number[] {
  if (opts.badBlocks) return [...opts.badBlocks];
  const rate = opts.badBlockRate ?? 0;
  if (rate <= 0) return [];
  const r = rng(seedOf(opts.seed ?? 1, label));
  const out: number[] = [];
  for (let b = 1; b < blocks; b++) if (r() < rate) out.push(b);
  return out;
}
