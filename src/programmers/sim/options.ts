import { z } from 'zod';

/** One byte a site writes wrong, for tests: image unit `block` of `partition` gets one byte flipped on `site`. */
export const flipSchema = z
  .object({
    /** Site index 0..sites-1. */
    site: z.number().int().min(0),
    /** Image block (program unit) index within the partition. */
    block: z.number().int().min(0),
    /** eMMC partition. @default 'user' */
    partition: z.enum(['user', 'boot1', 'boot2']).default('user'),
  })
  .strict();

/** Options of the `sim` driver (farm.json `options`); every field is optional. */
export const simOptionsSchema = z
  .object({
    /** Seed of every fault decision: the same seed and device labels give the same run. @default 1 */
    seed: z.number().int().default(1),
    /** Time scale: 1 = datasheet real time, 10 = ten times faster, 'unlimited' = no sleeping, only the real work. @default 1 */
    speed: z.union([z.number().positive(), z.literal('unlimited')]).default(1),
    /** Multiplies the chip's catalog defectRate. @default 1 */
    defectMultiplier: z.number().min(0).default(1),
    /** Bad-contact probability per insertion: `base` on a new socket, `atRatedLife` at wear 1, rising as wear³ (and past 1). */
    contact: z
      .object({
        /** @default 0.002 */
        base: z.number().min(0).max(1).default(0.002),
        /** @default 0.08 */
        atRatedLife: z.number().min(0).max(1).default(0.08),
      })
      .strict()
      .default({ base: 0.002, atRatedLife: 0.08 }),
    /** Adapter wear per site (insertions / rated life, 0..1+), from the database; Insertion.wear overrides it. @default [] (0) */
    siteWear: z.array(z.number().min(0)).default([]),
    /** Probability per cycle that the programmer's link drops mid-write (every site fails `link-lost`). @default 0.002 */
    linkLostRate: z.number().min(0).max(1).default(0.002),
    /** Sites whose socket is broken: they fail every device with `bad-contact`. @default [] */
    brokenSites: z.array(z.number().int().min(0)).default([]),
    /** Probability that a device inserted is not the job's chip (answers another ID → `id-mismatch`). @default 0.001 */
    wrongChipRate: z.number().min(0).max(1).default(0.001),
    /** NAND: probability that one block erase or program fails and the block goes bad (grown bad block). @default 0.00002 */
    grownBadBlockRate: z.number().min(0).max(1).default(0.00002),
    /** NAND: mean number of factory bad blocks per good device (exponentially distributed, capped at the datasheet limit). @default 4 */
    factoryBadBlockMean: z.number().min(0).default(4),
    /** Test hook: bytes that one site writes wrong. @default [] */
    flipBlock: z.array(flipSchema).default([]),
  })
  .strict();

/** Parsed `sim` options, defaults applied. */
export type SimOptions = z.infer<typeof simOptionsSchema>;
