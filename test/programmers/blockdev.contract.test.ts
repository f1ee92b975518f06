import fs from 'node:fs';
import path from 'node:path';
import { createDriver } from '../../src/programmers/registry.js';
import { tmpDir } from '../helpers/tmp.js';
import { driverContract } from '../contract/driver-contract.js';
import { emmcChip } from './chips.js';

const dir = tmpDir('gangflash-blockdev-contract-');
let n = 0;

driverContract('blockdev (plain files)', async () => {
  const folder = path.join(dir, `farm-${n++}`);
  fs.mkdirSync(folder);
  const targets = [0, 1, 2].map((s) => path.join(folder, `site-${s}.img`));
  for (const t of targets) fs.writeFileSync(t, '');
  const driver = createDriver({ name: 'bd', driver: 'blockdev', model: 'usb-emmc-reader-x4', serial: `BD-${n}`, sites: 3, options: { targets, unitBytes: 65536 } });
  return {
    chip: emmcChip,
    driver,
    // Flips one byte of site 1's file between program and verify, as a bad cell would.
    corrupt: async () => {
      const fd = fs.openSync(targets[1], 'r+');
      const b = Buffer.alloc(1);
      fs.readSync(fd, b, 0, 1, 70_001);
      b[0] ^= 0x10;
      fs.writeSync(fd, b, 0, 1, 70_001);
      fs.closeSync(fd);
    },
  };
});
