import type { Chip } from '../../catalog/chip.js';
import { emmcGeometry, nandGeometry, norGeometry } from '../../catalog/chip.js';
import type { EmmcPartition } from '../../layout/target.js';

/*
 * How the simulator sees a chip: program units per partition, erased value and datasheet timings.
 * When the catalog gives no figure, the sim assumes (documented here, not datasheet facts):
 *  parallel NAND tPROG 300 µs, tBERS 3 ms, tR 25 µs, 40 MB/s bus; SPI NAND the same array times on a quad SPI bus of
 *  interfaceMHz/2 MB/s (default 104 MHz); eMMC 20 MB/s write, reads at interfaceMHz MB/s (8-bit bus) or 3× the
 *  write rate, 250 µs per erase group;
 *  SPI NOR 256-byte page program 0.7 ms, 4 KiB sector erase 45 ms, single SPI at interfaceMHz/8 MB/s (default 50 MHz).
 */

/** Program-unit size for eMMC: 64 KiB, doubled until a partition has at most 2^17 units (bounds a stream's digest arrays). */
function emmcUnit(userBytes: number): number {
  let u = 64 * 1024;
  while (userBytes / u > 131072) u *= 2;
  return u;
}

/** The simulator's view of a chip. */
export interface SimGeometry {
  /** Erased content: 0xFF for NAND/NOR, 0x00 for eMMC (EXT_CSD ERASED_MEM_CONT = 0). */
  erasedValue: number;
  /** Physical units per partition (NAND blocks, eMMC 64 KiB+ units, NOR sectors); absent = no such partition. */
  units: Partial<Record<EmmcPartition, number>>;
  /** Bytes of one program unit (NAND: the block with or without its spare area). */
  unitBytes(withSpare: boolean): number;
  /** Bytes of a partition (NAND user: blocks × unit). */
  partitionBytes(p: EmmcPartition, withSpare: boolean): number;
  /** Simulated µs to program `sent` bytes of one unit. */
  programUs(sent: number, withSpare: boolean): number;
  /** Simulated µs to erase `units` units of the user area. */
  eraseUs(units: number): number;
  /** Simulated µs to read back `bytes`. */
  readUs(bytes: number, withSpare: boolean): number;
}

/** Builds the sim geometry of a chip from its catalog entry. */
export function simGeometry(chip: Chip): SimGeometry {
  const t = chip.timings;
  if (chip.kind === 'nand' || chip.kind === 'spi-nand') {
    const g = nandGeometry(chip);
    const bus = chip.kind === 'spi-nand' ? ((t.interfaceMHz ?? 104) * 1e6) / 2 : (t.interfaceMHz ? t.interfaceMHz * 1e6 : 40e6);
    const page = (ws: boolean) => g.pageSize + (ws ? g.spareSize : 0);
    const unit = (ws: boolean) => page(ws) * g.pagesPerBlock;
    return {
      erasedValue: 0xff,
      units: { user: g.blocks },
      unitBytes: unit,
      partitionBytes: (p, ws) => (p === 'user' ? unit(ws) * g.blocks : 0),
      programUs: (sent, ws) => Math.ceil(sent / page(ws)) * (t.tProgUs ?? 300) + (sent / bus) * 1e6,
      eraseUs: (n) => n * (t.tEraseUs ?? 3000),
      readUs: (bytes, ws) => Math.ceil(bytes / page(ws)) * (t.tReadUs ?? 25) + (bytes / bus) * 1e6,
    };
  }
  if (chip.kind === 'emmc') {
    const g = emmcGeometry(chip);
    const u = emmcUnit(g.userBytes);
    const write = t.writeBytesPerSec ?? 20e6;
    const read = t.interfaceMHz ? t.interfaceMHz * 1e6 : write * 3;
    const units: Partial<Record<EmmcPartition, number>> = { user: Math.ceil(g.userBytes / u) };
    if (g.bootBytes > 0) units.boot1 = units.boot2 = Math.ceil(g.bootBytes / u);
    return {
      erasedValue: 0x00,
      units,
      unitBytes: () => u,
      partitionBytes: (p) => (p === 'user' ? g.userBytes : g.bootBytes),
      programUs: (sent) => (sent / write) * 1e6,
      eraseUs: (n) => Math.ceil((n * u) / Math.max(g.eraseGroupBytes, 1)) * (t.tEraseUs ?? 250),
      readUs: (bytes) => (bytes / read) * 1e6,
    };
  }
  const g = norGeometry(chip);
  const spi = ((t.interfaceMHz ?? 50) * 1e6) / 8;
  return {
    erasedValue: 0xff,
    units: { user: g.sectors },
    unitBytes: () => g.sectorSize,
    partitionBytes: (p) => (p === 'user' ? g.sectorSize * g.sectors : 0),
    programUs: (sent) => Math.ceil(sent / g.pageSize) * (t.tProgUs ?? 700) + (sent / spi) * 1e6,
    eraseUs: (n) => n * (t.tEraseUs ?? 45000),
    readUs: (bytes) => (bytes / spi) * 1e6,
  };
}
