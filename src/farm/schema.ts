import { z } from 'zod';
import type { ProgrammerSpec } from '../programmers/spec.js';

/** One programmer entry of farm.json. */
export const farmProgrammerSchema = z
  .object({
    /** Operator-facing name, unique in the farm. */
    name: z.string().min(1),
    /** Driver name (sim, blockdev, …). */
    driver: z.string().min(1),
    /** Programmer model from the catalog. */
    model: z.string().min(1),
    /** Serial number, unique in the farm. */
    serial: z.string().min(1),
    /** Number of sites. */
    sites: z.number().int().min(1).max(64),
    /** Adapter serial mounted on each site, or null for an empty site. @default all null */
    adapters: z.array(z.string().min(1).nullable()).optional(),
    /** Driver options. @default {} */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The whole farm.json document. */
export const farmSchema = z.object({ programmers: z.array(farmProgrammerSchema).min(1) }).strict();

/** One programmer of a farm: its driver spec and the adapter serial on each site. */
export interface FarmProgrammerSpec extends ProgrammerSpec {
  options: Record<string, unknown>;
  /** Adapter serial per site (index = site), null where no adapter is recorded. */
  adapters: (string | null)[];
}

/** A validated farm. */
export interface FarmSpec {
  /** The farm file it came from, when any. */
  file?: string;
  programmers: FarmProgrammerSpec[];
}
