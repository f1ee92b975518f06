import { driverContract } from '../contract/driver-contract.js';
import { smallNand } from './chips.js';
import { flipStoredByte, nandoGang } from './gang-boards.js';

// Two emulated NANDO boards as one gang programmer; each runs the NANDO command protocol over emulated USB CDC and
// drives a parallel NAND model through command/address/data cycles.
driverContract(`nando (emulated, TSOP48 ${smallNand.part})`, async ({ corruptSite }) => {
  const gang = nandoGang(2);
  return {
    chip: smallNand,
    driver: gang.driver,
    corrupt: async () => flipStoredByte(gang.boards[corruptSite ?? 1].chipModel(), 70_001),
  };
});
