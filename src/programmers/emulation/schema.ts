import { z } from 'zod';
import type { EmulatedBoardOptions } from './options.js';

/** zod schema of `emulated: {…}` in a USB driver's options (see EmulatedBoardOptions for each field). */
export const emulatedBoardSchema: z.ZodType<EmulatedBoardOptions> = z.strictObject({
  seed: z.number().int().optional(),
  badBlocks: z.array(z.number().int().min(0)).optional(),
  badBlockRate: z.number().min(0).max(1).optional(),
  failingBlocks: z.array(z.number().int().min(0)).optional(),
  idBytes: z.string().regex(/^([0-9a-fA-F]{2})+$/, 'hex ID bytes, e.g. "ef4015"').optional(),
  chip: z.string().min(1).optional(),
  dropAfterTransfers: z.number().int().min(0).optional(),
  usbSerial: z.string().min(1).optional(),
  programFailRows: z.array(z.number().int().min(0)).optional(),
  hangingBlocks: z.array(z.number().int().min(0)).optional(),
  configAtPowerUp: z.number().int().min(0).max(255).optional(),
});
