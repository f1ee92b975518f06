import type { DriverFactory } from './spec.js';
import { simDriver } from './sim/index.js';
import { blockdevDriver } from './blockdev/index.js';
import { ch341aDriver } from './ch341a/index.js';
import { nandoDriver } from './nando/index.js';

/** Every driver gangflash can build, by name. A new driver adds its import and one line here. */
export const drivers: Record<string, DriverFactory<any>> = {
  sim: simDriver,
  blockdev: blockdevDriver,
  ch341a: ch341aDriver,
  nando: nandoDriver,
};
