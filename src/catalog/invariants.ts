import type { Chip, EmmcGeometry, NandGeometry, NorGeometry } from './chip.js';
import type { AdapterTypeEntry } from './schema.js';

/** A broken invariant: the field it concerns and what is wrong. */
export interface Violation {
  field: string;
  problem: string;
}

const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Facts a chip entry must satisfy beyond its shape (capacity = geometry, marker inside the spare area, …). */
export function chipViolations(chip: Chip): Violation[] {
  const out: Violation[] = [];
  const bad = (field: string, problem: string) => out.push({ field, problem });
  if (chip.kind === 'nand' || chip.kind === 'spi-nand') {
    const g = chip.geometry as NandGeometry;
    const bytes = g.pageSize * g.pagesPerBlock * g.blocks;
    if (chip.capacityBytes !== bytes) bad('capacityBytes', `is ${chip.capacityBytes} but pageSize × pagesPerBlock × blocks = ${bytes}`);
    if (!isPow2(g.pageSize)) bad('geometry.pageSize', `${g.pageSize} is not a power of two`);
    if (g.minValidBlocks > g.blocks) bad('geometry.minValidBlocks', `${g.minValidBlocks} exceeds blocks (${g.blocks})`);
    if (g.minValidBlocks < g.blocks * 0.9) bad('geometry.minValidBlocks', `${g.minValidBlocks} is under 90% of ${g.blocks} blocks; check the datasheet`);
    if (g.badBlockMarker.spareOffset >= g.spareSize) bad('geometry.badBlockMarker.spareOffset', `${g.badBlockMarker.spareOffset} is outside the ${g.spareSize}-byte spare area`);
    for (const p of g.badBlockMarker.pages) if (p >= g.pagesPerBlock) bad('geometry.badBlockMarker.pages', `page ${p} is outside a ${g.pagesPerBlock}-page block`);
  } else if (chip.kind === 'emmc') {
    const g = chip.geometry as EmmcGeometry;
    if (chip.capacityBytes !== g.userBytes) bad('capacityBytes', `is ${chip.capacityBytes} but an eMMC's capacity is its user area (${g.userBytes})`);
    if (g.userBytes % 512 !== 0) bad('geometry.userBytes', `${g.userBytes} is not a whole number of 512-byte sectors`);
    for (const f of ['bootBytes', 'rpmbBytes'] as const) if (g[f] % (128 * 1024) !== 0) bad(`geometry.${f}`, `${g[f]} is not a multiple of 128 KiB`);
    if (!isPow2(g.eraseGroupBytes)) bad('geometry.eraseGroupBytes', `${g.eraseGroupBytes} is not a power of two`);
  } else {
    const g = chip.geometry as NorGeometry;
    const bytes = g.sectorSize * g.sectors;
    if (chip.capacityBytes !== bytes) bad('capacityBytes', `is ${chip.capacityBytes} but sectorSize × sectors = ${bytes}`);
    if (g.sectorSize % g.pageSize !== 0) bad('geometry.sectorSize', `${g.sectorSize} is not a whole number of ${g.pageSize}-byte pages`);
    if (g.blockSize % g.sectorSize !== 0) bad('geometry.blockSize', `${g.blockSize} is not a whole number of ${g.sectorSize}-byte sectors`);
    if (chip.capacityBytes % g.blockSize !== 0) bad('geometry.blockSize', `capacity ${chip.capacityBytes} is not a whole number of ${g.blockSize}-byte blocks`);
  }
  if (chip.kind === 'spi-nor' && chip.idBytes.length !== 6) bad('idBytes', `a SPI NOR JEDEC ID is 3 bytes (manufacturer, type, capacity), got "${chip.idBytes}"`);
  if (chip.kind === 'emmc' && chip.idBytes.length < 4) bad('idBytes', `an eMMC CID prefix holds at least the MID and CBX bytes, got "${chip.idBytes}"`);
  return out;
}

/** Facts an adapter type must satisfy beyond its shape: its own package and pitch are among its fits, families known. */
export function adapterViolations(t: AdapterTypeEntry, knownFamilies: ReadonlySet<string>): Violation[] {
  const out: Violation[] = [];
  if (!t.fits.some((f) => f.package === t.package && Math.abs(f.pitchMm - t.pitchMm) < 1e-6))
    out.push({ field: 'fits', problem: `no fits row for its own package ${t.package} at pitch ${t.pitchMm} mm` });
  const keys = t.fits.map((f) => `${f.package} ${f.bodyWmm}x${f.bodyLmm} ${f.pitchMm}`);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) out.push({ field: 'fits', problem: `lists ${dup} twice` });
  t.families.forEach((f, i) => {
    if (!knownFamilies.has(f)) out.push({ field: `families[${i}]`, problem: `unknown programmer family "${f}" (known: ${[...knownFamilies].join(', ')})` });
  });
  return out;
}
