import { z } from 'zod';
import { chipKinds } from './chip.js';

// Zod schemas of the three catalog data files: chipdb/chips/*.json, adapters/*.json, chipdb/programmers.json.

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const mm = z.number().positive().max(100);
const hex = z.string().regex(/^([0-9a-f]{2})+$/, 'lower-case hex bytes, e.g. "ef4018"');

/** NAND (parallel ONFI and SPI) geometry. */
export const nandGeometrySchema = z.strictObject({
  pageSize: posInt,
  spareSize: nonNegInt,
  pagesPerBlock: posInt,
  blocks: posInt,
  minValidBlocks: posInt,
  badBlockMarker: z.strictObject({ pages: z.array(nonNegInt).min(1), spareOffset: nonNegInt }),
  protocol: z.strictObject({
    programOrder: z.enum(['wren-load', 'load-wren']).optional(),
    planes: z.union([z.literal(1), z.literal(2)]).optional(),
    dies: posInt.max(8).optional(),
    dieSelect: z.enum(['c2', 'feature-d0']).optional(),
    config: z.strictObject({ mask: z.number().int().min(0).max(255), value: z.number().int().min(0).max(255) }).optional(),
    nop: posInt.optional(),
    inOrderPages: z.boolean().optional(),
    source: z.string().min(3),
  }).optional(),
});

/** eMMC geometry; `bootBytes` is the size of EACH of the two boot partitions. */
export const emmcGeometrySchema = z.strictObject({
  userBytes: posInt,
  bootBytes: nonNegInt,
  rpmbBytes: nonNegInt,
  eraseGroupBytes: posInt,
});

/** SPI NOR / MCU flash geometry (uniform sectors). */
export const norGeometrySchema = z.strictObject({
  pageSize: posInt,
  sectorSize: posInt,
  blockSize: posInt,
  sectors: posInt,
  protocol: z.strictObject({
    native4Byte: z.boolean().optional(),
    enter4Byte: z.enum(['b7', 'wren-b7']).optional(),
    source: z.string().min(3),
  }).optional(),
});

/** Typical datasheet timings; every one optional. */
export const timingsSchema = z.strictObject({
  tProgUs: z.number().positive().optional(),
  tEraseUs: z.number().positive().optional(),
  tReadUs: z.number().positive().optional(),
  writeBytesPerSec: z.number().positive().optional(),
  interfaceMHz: z.number().positive().optional(),
});

const chipBase = {
  part: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.\-/_]*$/, 'part number of letters, digits, dot, dash, slash'),
  vendor: z.string().min(1),
  package: z.string().regex(/^[A-Z]+\d+$/, 'package name like TSOP48, BGA153, WSON8'),
  bodyWmm: mm,
  bodyLmm: mm,
  pitchMm: z.number().positive().max(3),
  capacityBytes: posInt,
  idBytes: hex,
  timings: timingsSchema,
  defectRate: z.number().min(0).max(0.2),
  source: z.string().min(3),
  notes: z.string().optional(),
};

/** One chip entry; geometry shape follows the kind. */
export const chipSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...chipBase, kind: z.literal('nand'), geometry: nandGeometrySchema }),
  z.strictObject({ ...chipBase, kind: z.literal('spi-nand'), geometry: nandGeometrySchema }),
  z.strictObject({ ...chipBase, kind: z.literal('emmc'), geometry: emmcGeometrySchema }),
  z.strictObject({ ...chipBase, kind: z.literal('spi-nor'), geometry: norGeometrySchema }),
  z.strictObject({ ...chipBase, kind: z.literal('mcu'), geometry: norGeometrySchema }),
]);

/** A chip catalog file: a family of chips with a note on where the defect rates come from. */
export const chipFileSchema = z.strictObject({
  family: z.string().min(1),
  defectRateBasis: z.string().min(1),
  chips: z.array(z.unknown()).min(1),
});

/** One (package, body, pitch) an adapter type takes. */
export const fitSchema = z.strictObject({
  package: z.string().regex(/^[A-Z]+\d+$/),
  bodyWmm: mm,
  bodyLmm: mm,
  pitchMm: z.number().positive().max(3),
});

/** One socket-adapter type. */
export const adapterTypeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.\-]*$/, 'lower-case id with dashes'),
  name: z.string().min(1),
  vendor: z.string().min(1),
  package: z.string().regex(/^[A-Z]+\d+$/),
  pitchMm: z.number().positive().max(3),
  sites: z.number().int().min(1).max(64),
  ratedInsertions: posInt,
  fits: z.array(fitSchema).min(1),
  families: z.array(z.string().min(1)).min(1),
  source: z.string().min(3),
  /** List price of one adapter (the site's currency), for the planner's wear cost; give its source in `source`. */
  price: z.number().nonnegative().max(1e7).optional(),
  notes: z.string().optional(),
});

/** An adapter catalog file: one family of adapter types. */
export const adapterFileSchema = z.strictObject({
  family: z.string().min(1),
  ratingBasis: z.string().min(1),
  adapterTypes: z.array(z.unknown()).min(1),
});

/** A programmer family: which chip kinds it drives. */
export const programmerFamilySchema = z.strictObject({
  family: z.string().regex(/^[a-z0-9][a-z0-9\-]*$/),
  kinds: z.array(z.enum(chipKinds)).min(1),
  description: z.string().min(1),
});

/** A programmer model of a family, with its driver and USB ids. */
export const programmerModelSchema = z.strictObject({
  model: z.string().min(1),
  family: z.string().min(1),
  driver: z.enum(['sim', 'blockdev', 'ch341a', 'nando']),
  vid: z.number().int().min(0).max(0xffff).optional(),
  pid: z.number().int().min(0).max(0xffff).optional(),
  sites: z.number().int().min(1).max(64),
  description: z.string().min(1),
  source: z.string().optional(),
});

/** chipdb/programmers.json. */
export const programmersFileSchema = z.strictObject({
  families: z.array(z.unknown()).min(1),
  models: z.array(z.unknown()).min(1),
});

/** A validated adapter type. */
export type AdapterTypeEntry = z.infer<typeof adapterTypeSchema>;
/** A validated programmer family. */
export type ProgrammerFamilyEntry = z.infer<typeof programmerFamilySchema>;
/** A validated programmer model. */
export type ProgrammerModelEntry = z.infer<typeof programmerModelSchema>;
