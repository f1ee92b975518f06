import type { Chip } from '../../src/catalog/chip.js';
import { Ch341aDriver } from '../../src/programmers/ch341a/driver.js';
import { NandoDriver } from '../../src/programmers/nando/driver.js';
import { emulatedCh341aBoard, type Ch341aBoard } from '../../src/programmers/emulation/ch341a/ch341a-board.js';
import { emulatedNandoBoard, type NandoBoard } from '../../src/programmers/emulation/nando/nando-board.js';
import type { EmulatedBoardOptions } from '../../src/programmers/emulation/options.js';
import { SpiNandChip } from '../../src/programmers/emulation/ch341a/spi-nand-chip.js';
import { SpiNorChip } from '../../src/programmers/emulation/ch341a/spi-nor-chip.js';
import { GangDriver } from '../support/gang-driver.js';

/** N emulated CH341A boards driven as one gang; `boards` fills in as the drivers open. */
export function ch341aGang(n: number, opts: EmulatedBoardOptions = {}, make = (src: ConstructorParameters<typeof Ch341aDriver>[1], k: number) => new Ch341aDriver({ model: 'CH341A', serial: `EMU-${k}` }, src)) {
  const boards: Ch341aBoard[] = [];
  const drivers = Array.from({ length: n }, (_, k) => make(async (chip: Chip) => (boards[k] = emulatedCh341aBoard(chip, opts)), k));
  return { driver: new GangDriver({ driver: 'ch341a', model: 'CH341A', serial: 'GANG' }, drivers), boards, drivers };
}

/** N emulated NANDO boards driven as one gang. */
export function nandoGang(n: number, opts: EmulatedBoardOptions = {}) {
  const boards: NandoBoard[] = [];
  const drivers = Array.from({ length: n }, (_, k) => new NandoDriver({ model: 'NANDO', serial: `EMU-${k}` }, async (chip: Chip) => (boards[k] = emulatedNandoBoard(chip, opts))));
  return { driver: new GangDriver({ driver: 'nando', model: 'NANDO', serial: 'GANG' }, drivers), boards, drivers };
}

/** Flips one bit of the stored byte at `offset` of the device's data area (a weak cell), whatever the chip model. */
export function flipStoredByte(model: unknown, offset: number, pageSize = 2048): void {
  if (model instanceof SpiNorChip) {
    model.mem[offset] ^= 0x10;
    return;
  }
  const m = model as { pages: Map<number, Uint8Array>; g: { pageSize: number; spareSize: number } };
  const row = Math.floor(offset / pageSize);
  const page = m.pages.get(row) ?? new Uint8Array(m.g.pageSize + m.g.spareSize).fill(0xff);
  page[offset % pageSize] ^= 0x10;
  m.pages.set(row, page);
  void SpiNandChip;
}
