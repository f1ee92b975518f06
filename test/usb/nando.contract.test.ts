import type { Chip } from '../../src/catalog/chip.js';
import { NandoDriver } from '../../src/programmers/nando/driver.js';
import { emulatedNandoBoard, type NandoBoard } from '../../src/programmers/emulation/nando/nando-board.js';
import { driverContract } from '../contract/driver-contract.js';
import { smallNand } from './chips.js';
import { flipStoredByte, nandoGang } from './gang-boards.js';

// One emulated NANDO board, as the farm drives it (one programmer per board, one TSOP48 site): the board runs the
// NANDO command protocol over emulated USB CDC and drives a parallel NAND model through command/address/data cycles.
driverContract(`nando, one board (emulated, TSOP48 ${smallNand.part})`, async () => {
  let board: NandoBoard | undefined;
  const driver = new NandoDriver({ model: 'NANDO', serial: 'EMU-1' }, async (c: Chip) => (board = emulatedNandoBoard(c)));
  return { chip: smallNand, driver, corrupt: async () => flipStoredByte(board!.chipModel(), 70_001) };
}, { sites: 1 });

// Two boards as one gang programmer.
driverContract(`nando, gang of two boards (emulated, TSOP48 ${smallNand.part})`, async ({ corruptSite }) => {
  const gang = nandoGang(2);
  return {
    chip: smallNand,
    driver: gang.driver,
    corrupt: async () => flipStoredByte(gang.boards[corruptSite ?? 1].chipModel(), 70_001),
  };
});
