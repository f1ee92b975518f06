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

/** A file gangflash keeps (the database, its WAL, a backup, a pinned image): no driver may ever write it. */
export interface ProtectedFile {
  path: string;
  /** What the file is, for the message, e.g. "the gangflash database". */
  what: string;
}

/** What a driver's preflight knows of the run about to start. */
export interface PreflightContext {
  /** gangflash's own files, refused as targets by identity (device and inode), not by name. */
  protectedFiles: ProtectedFile[];
  /** Sites that will take devices in this run (the others carry no fitting adapter). */
  usedSites: number[];
}

/** One thing a preflight refuses: a stable code naming the rule, and the message. */
export interface PreflightIssue {
  code: string;
  message: string;
}

/** What each driver module exports so the registry can build it: its options schema and a constructor. */
export interface DriverFactory<O = unknown> {
  /** zod schema of the driver's `options` (defaults applied by parsing). */
  options: z.ZodType<O>;
  /** Checks between the spec and its parsed options (e.g. one target per site); messages name the option. @default none */
  check?(spec: ProgrammerSpec, options: O): { path: (string | number)[]; message: string }[];
  /** Checks on this host, before a run touches a device (main thread, no database): every issue refuses the run. */
  preflight?(spec: ProgrammerSpec, options: O, ctx: PreflightContext): PreflightIssue[];
  /** Builds the driver from a spec whose options were parsed by `options`. */
  create(spec: ProgrammerSpec, options: O): ProgrammerDriver;
}
