import type { ExtCsdWrite } from '../layout/ext-csd.js';
import type { NandScheme } from '../layout/target.js';
import { JobError } from '../errors.js';
import type { ImagePin } from './image-pin.js';
import type { SerialRule } from './serial.js';

/** Operations a job runs on each device, in this order. */
export const OPS = ['id', 'erase', 'blank', 'program', 'verify'] as const;
/** One of OPS. */
export type Op = (typeof OPS)[number];

/** NAND layout of a job. */
export interface JobNand {
  scheme: NandScheme;
  /** Partition-table file the scheme was read from (for people; the partitions are stored inline). */
  schemeFile?: string;
  /** The image holds page+spare interleaved (stated or detected). */
  withSpare: boolean;
}

/** eMMC extras of a job: boot partition images and EXT_CSD bytes to write. */
export interface JobEmmc {
  boot1?: ImagePin;
  boot2?: ImagePin;
  extCsd: ExtCsdWrite[];
}

/** Serial numbering of a job. */
export interface JobSerial extends SerialRule {
  /** The serial may overwrite image data (`--serial-overwrite`). */
  overwrite: boolean;
}

/** What a job does, stored as JSON in `jobs.spec`. */
export interface JobSpec {
  chip: string;
  /** The main image (eMMC: the user area). */
  image: ImagePin;
  ops: Op[];
  /** Byte value of gaps between HEX/S-record records. */
  fill: number;
  nand?: JobNand;
  emmc?: JobEmmc;
  serial?: JobSerial;
  /** A serial rule of the database, by name (instead of `serial`). */
  serialRule?: { name: string; overwrite: boolean };
}

/** A stored job: its identity, its spec, and whether a lot uses it (frozen). */
export interface Job {
  id: number;
  name: string;
  version: number;
  chip: string;
  imageSha256: string;
  spec: JobSpec;
  createdAt: string;
  /** A lot uses this version, or it was released: it never changes again. */
  frozen: boolean;
  /** Who released this version for production (`gangflash job release`), or null. */
  release: { by: string; at: string; note: string | null } | null;
}

/** The default operations: every one. */
export const DEFAULT_OPS: Op[] = [...OPS];

/**
 * Parses `--ops id,erase,…`: an ordered subset of id, erase, blank, program, verify, each once, in that order;
 * verify needs program.
 */
export function parseOps(text: string): Op[] {
  const items = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (items.length === 0) throw new JobError('ops-invalid', `--ops "${text}": list at least one of ${OPS.join(', ')}`);
  const ops: Op[] = [];
  for (const item of items) {
    const op = OPS.find((o) => o === item);
    if (!op) throw new JobError('ops-invalid', `--ops: "${item}" is not an operation; use an ordered subset of ${OPS.join(',')}`);
    if (ops.includes(op)) throw new JobError('ops-invalid', `--ops: ${op} is listed twice`);
    const last = ops[ops.length - 1];
    if (last !== undefined && OPS.indexOf(op) < OPS.indexOf(last)) {
      throw new JobError('ops-invalid', `--ops: ${op} cannot come after ${last}; operations run in the order ${OPS.join(',')}`);
    }
    ops.push(op);
  }
  if (ops.includes('verify') && !ops.includes('program')) {
    throw new JobError('ops-invalid', '--ops: verify compares with what program wrote, so it needs program');
  }
  return ops;
}

/** The spec as canonical JSON (stable key order), for storing and for comparing two specs. */
export function specJson(spec: JobSpec): string {
  return JSON.stringify(spec, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Reads a stored spec back; a JobError when the stored JSON is not a job spec. */
export function parseSpecJson(text: string, job: string): JobSpec {
  let spec: JobSpec;
  try {
    spec = JSON.parse(text) as JobSpec;
  } catch {
    throw new JobError('job-spec-corrupt', `job ${job}: its stored spec is not JSON; recreate the job`);
  }
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.ops) || typeof spec.image?.sha256 !== 'string') {
    throw new JobError('job-spec-corrupt', `job ${job}: its stored spec lacks ops or image; recreate the job`);
  }
  return spec;
}
