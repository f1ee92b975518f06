import type { z } from 'zod';
import type { ProgrammerDriver } from './driver.js';

/** How to build one programmer's driver: plain JSON, so it crosses into a worker thread unchanged. */
export interface ProgrammerSpec {
  /** Operator-facing name, e.g. `sim-1`. */
  name: string;
  /** Driver name: `sim`, `blockdev`, or a driver registered in drivers.ts. */
  driver: string;
  /** Programmer model (catalog `programmer_models.model`). */
  model: string;
  /** Serial number of the programmer. */
  serial: string;
  /** Number of sites (sockets). */
  sites: number;
  /** Driver options, validated by the driver's own schema. @default {} */
  options?: Record<string, unknown>;
}

/** What each driver module exports so the registry can build it: its options schema and a constructor. */
export interface DriverFactory<O = unknown> {
  /** zod schema of the driver's `options` (defaults applied by parsing). */
  options: z.ZodType<O>;
  /** Builds the driver from a spec whose options were parsed by `options`. */
  create(spec: ProgrammerSpec, options: O): ProgrammerDriver;
}
