import type { Chip } from '../../src/catalog/chip.js';
import { Ch341aDriver } from '../../src/programmers/ch341a/driver.js';
import { emulatedCh341aBoard, type Ch341aBoard } from '../../src/programmers/emulation/ch341a/ch341a-board.js';
import { driverContract } from '../contract/driver-contract.js';
import { contractNor, smallSpiNand } from './chips.js';
import { ch341aGang, flipStoredByte } from './gang-boards.js';

for (const chip of [contractNor, smallSpiNand]) {
  // One emulated CH341A board, as the farm drives it (one programmer per board, one site): the board decodes the
  // wire protocol and drives a datasheet-level chip model.
  driverContract(`ch341a, one board (emulated, ${chip.kind} ${chip.part})`, async () => {
    let board: Ch341aBoard | undefined;
    const driver = new Ch341aDriver({ model: 'CH341A', serial: 'EMU-1' }, async (c: Chip) => (board = emulatedCh341aBoard(c)));
    return { chip, driver, corrupt: async () => flipStoredByte(board!.chipModel(), 70_001) };
  }, { sites: 1 });

  // Three boards as one gang programmer (the image stream read once and given to every board).
  driverContract(`ch341a, gang of three boards (emulated, ${chip.kind} ${chip.part})`, async ({ corruptSite }) => {
    const gang = ch341aGang(3);
    return {
      chip,
      driver: gang.driver,
      corrupt: async () => flipStoredByte(gang.boards[corruptSite ?? 1].chipModel(), 70_001),
    };
  });
}
