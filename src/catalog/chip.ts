/** Kinds of chips gangflash programs. */
export type ChipKind = 'nand' | 'spi-nand' | 'emmc' | 'spi-nor' | 'mcu';

/** NAND (parallel ONFI or SPI) geometry from the datasheet. */
export interface NandGeometry {
  pageSize: number;
  spareSize: number;
  pagesPerBlock: number;
  blocks: number;
  /** Datasheet's minimum number of valid blocks over the device's life. */
  minValidBlocks: number;
  /** Planes / LUNs are not modelled; factory bad-block marker location. */
  badBlockMarker: { pages: number[]; spareOffset: number };
}

/** eMMC geometry from the datasheet / JEDEC EXT_CSD. */
export interface EmmcGeometry {
  userBytes: number;
  bootBytes: number;
  rpmbBytes: number;
  /** Erase group size in bytes. */
  eraseGroupBytes: number;
}

/** SPI NOR / MCU flash geometry. */
export interface NorGeometry {
  pageSize: number;
  sectorSize: number;
  blockSize: number;
  sectors: number;
}

/** Typical timings and interface speed from the datasheet (any may be absent). */
export interface ChipTimings {
  /** Page program time, microseconds. */
  tProgUs?: number;
  /** Block / sector erase time, microseconds. */
  tEraseUs?: number;
  /** Page read time, microseconds. */
  tReadUs?: number;
  /** Sustained write bandwidth of one device, bytes/second (eMMC). */
  writeBytesPerSec?: number;
  /** Interface clock, MHz. */
  interfaceMHz?: number;
}

/** One part number in the chip catalog. */
export interface Chip {
  part: string;
  vendor: string;
  kind: ChipKind;
  package: string;
  bodyWmm: number;
  bodyLmm: number;
  pitchMm: number;
  capacityBytes: number;
  /** Hex string of the ID bytes (JEDEC / ONFI / CID prefix). */
  idBytes: string;
  geometry: NandGeometry | EmmcGeometry | NorGeometry;
  timings: ChipTimings;
  /** Share of parts that are defective (0..1), for the simulator and planning. */
  defectRate: number;
  /** Datasheet document the facts come from. */
  source: string;
}

/** Geometry accessors that narrow by kind. */
export function nandGeometry(chip: Chip): NandGeometry {
  if (chip.kind !== 'nand' && chip.kind !== 'spi-nand') throw new TypeError(`${chip.part} is not NAND`);
  return chip.geometry as NandGeometry;
}
export function emmcGeometry(chip: Chip): EmmcGeometry {
  if (chip.kind !== 'emmc') throw new TypeError(`${chip.part} is not eMMC`);
  return chip.geometry as EmmcGeometry;
}
export function norGeometry(chip: Chip): NorGeometry {
  if (chip.kind !== 'spi-nor' && chip.kind !== 'mcu') throw new TypeError(`${chip.part} is not NOR/MCU flash`);
  return chip.geometry as NorGeometry;
}
