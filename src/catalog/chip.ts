/** Kinds of chips gangflash programs (a plain list: naming kinds loads no schema library). */
export const chipKinds = ['nand', 'spi-nand', 'emmc', 'spi-nor', 'mcu'] as const;

/** One of `chipKinds`. */
export type ChipKind = (typeof chipKinds)[number];

/** NAND (parallel ONFI or SPI) geometry from the datasheet. */
export interface NandGeometry {
  pageSize: number;
  spareSize: number;
  pagesPerBlock: number;
  blocks: number;
  /** Datasheet's minimum number of valid blocks over the device's life. */
  minValidBlocks: number;
  /** Factory bad-block marker location. */
  badBlockMarker: { pages: number[]; spareOffset: number };
  /** Wire-protocol facts of this part (kept with the geometry so that they reach the drivers unchanged). */
  protocol?: NandProtocol;
}

/**
 * NAND wire-protocol facts from the datasheet; every field has the default of the plain one-plane, one-die
 * W25N01GV / ONFI SLC part, so an entry only lists what differs.
 */
export interface NandProtocol {
  /** SPI NAND program sequence: WRITE ENABLE before PROGRAM LOAD (a load while WEL is clear is ignored) or after it (GigaDevice). @default 'wren-load' */
  programOrder?: 'wren-load' | 'load-wren';
  /** Planes per die; with 2, PROGRAM LOAD and READ FROM CACHE carry the plane (block & 1) in the column bit above the page+spare. @default 1 */
  planes?: 1 | 2;
  /** Dies in the package. @default 1 */
  dies?: number;
  /** How a die is selected: SPI command C2h + die, or bit 6 of feature register D0h. @default none (one die) */
  dieSelect?: 'c2' | 'feature-d0';
  /** Configuration register (feature B0h) bits the host must set: `value` under `mask` (ECC on, buffer read mode). @default none */
  config?: { mask: number; value: number };
  /** Partial programs allowed per page between erases (NOP). @default unlimited */
  nop?: number;
  /** Pages of a block must be programmed in ascending order (MLC). @default false */
  inOrderPages?: boolean;
  /** Where these facts come from (datasheet and section, or the upstream file). */
  source?: string;
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
  /** Wire-protocol facts of this part (kept with the geometry so that they reach the drivers unchanged). */
  protocol?: NorProtocol;
}

/** SPI NOR wire-protocol facts from the datasheet (only parts above 16 MiB need them). */
export interface NorProtocol {
  /** The part has 4-byte-address opcodes READ 13h, PAGE PROGRAM 12h, SECTOR ERASE 21h, BLOCK ERASE DCh. @default false */
  native4Byte?: boolean;
  /** How ENTER 4-BYTE ADDRESS MODE (B7h) is accepted: alone, or only after WRITE ENABLE. @default 'b7' */
  enter4Byte?: 'b7' | 'wren-b7';
  /** Where these facts come from (datasheet and section, or the upstream file). */
  source?: string;
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
