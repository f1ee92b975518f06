import { driverContract } from '../contract/driver-contract.js';
import { contractNor, smallSpiNand } from './chips.js';
import { ch341aGang, flipStoredByte } from './gang-boards.js';

// Two emulated CH341A boards as one gang programmer (the contract needs two sites); each board decodes the wire
// protocol and drives a datasheet-level chip model.
for (const chip of [contractNor, smallSpiNand]) {
  driverContract(`ch341a (emulated, ${chip.kind} ${chip.part})`, async ({ corruptSite }) => {
    const gang = ch341aGang(3);
    return {
      chip,
      driver: gang.driver,
      corrupt: async () => flipStoredByte(gang.boards[corruptSite ?? 1].chipModel(), 70_001),
    };
  });
}
