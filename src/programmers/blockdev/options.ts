import { z } from 'zod';

/** Options of the `blockdev` driver (farm.json `options`). */
export const blockdevOptionsSchema = z
  .object({
    /** One block device or plain file per site, in site order; only these paths are ever opened. */
    targets: z.array(z.string().min(1)).min(1),
    /** Bytes per verify digest unit (a multiple of 4096). @default 1048576 */
    unitBytes: z
      .number()
      .int()
      .min(4096)
      .refine((n) => n % 4096 === 0, 'must be a multiple of 4096')
      .default(1 << 20),
    /** Read back with O_DIRECT: 'auto' where the target supports it, 'always' (fail otherwise), 'never'. @default 'auto' */
    directIo: z.enum(['auto', 'always', 'never']).default('auto'),
    /** Size of a plain-file target; block devices report their own. @default the chip's user capacity */
    capacityBytes: z.number().int().positive().optional(),
  })
  .strict();

/** Parsed `blockdev` options. */
export type BlockdevOptions = z.infer<typeof blockdevOptionsSchema>;
