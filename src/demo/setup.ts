import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/open.js';
import { loadCatalogs } from '../catalog/load.js';
import { getAdapterType } from '../catalog/adapter-types.js';
import { addAdapter, addProgrammer, mountAdapter, unmountAdapter } from '../inventory/index.js';
import { defaultSimFarm } from '../farm/default.js';
import { createJob } from '../jobs/create.js';
import { releaseJob } from '../jobs/release.js';
import { getJob } from '../jobs/store.js';
import { importReels } from '../lots/import.js';
import { writeDemoImage } from './images.js';
import { atomically } from '../store/atomic.js';
import { mountedAdapterSerials } from '../store/adapters.js';

/** Options of the demo. */
export interface DemoOptions {
  /** Programmers in the simulated farm. @default 4 */
  programmers: number;
  /** Sites per programmer. @default 8 */
  sites: number;
  /** Devices in each of the two lots. @default 192 */
  devices: number;
  /** Simulation speed (1 = datasheet real time). @default 5 */
  speed: number | 'unlimited';
  /** Seed of every simulated fault. @default 2447 */
  seed: number;
}

/** One lot the demo runs, with the adapters it needs mounted. */
export interface DemoLot {
  lot: string;
  chip: string;
  adapterType: string;
  /** Adapter serials per programmer name, one per site. */
  adapters: Map<string, string[]>;
}

/** The demo's parts: a 1 Gbit TSOP48 parallel NAND and an 8 GB BGA153 eMMC from the catalog. */
export const DEMO_NAND = { chip: 'MT29F1G08ABAEAWP', adapterType: 'tsop48-zif-1' };
export const DEMO_EMMC = { chip: 'KLM8G1GETF-B041', adapterType: 'emmc-153-11.5x13-clam-1' };

/**
 * Builds the demo database in `dir`: catalogs, a sim farm with adapters for both parts, a NAND and an eMMC job with
 * generated images, and one lot per job imported from a reel CSV. Realistic fault rates: sim defaults, a few
 * defective parts, one worn adapter and one broken socket.
 */
export async function setupDemo(db: Db, dir: string, o: DemoOptions): Promise<DemoLot[]> {
  loadCatalogs(db);
  const farm = defaultSimFarm({
    programmers: o.programmers,
    sites: o.sites,
    seed: o.seed,
    speed: o.speed,
    // Programmer 2 has a broken socket on site 5: the scheduler must disable it and move its devices elsewhere.
    options: { defectMultiplier: 4, contact: { base: 0.004, atRatedLife: 0.08 } },
  });
  farm.programmers[1 % farm.programmers.length].options.brokenSites = [Math.min(5, o.sites - 1)];
  const lots: DemoLot[] = [];
  for (const p of farm.programmers) addProgrammer(db, { name: p.name, driver: p.driver, model: p.model, serial: p.serial, sites: p.sites, options: p.options });
  for (const [kind, part] of [['N', DEMO_NAND], ['E', DEMO_EMMC]] as const) {
    const adapters = new Map<string, string[]>();
    for (const p of farm.programmers) {
      const list = Array.from({ length: p.sites }, (_, s) => `${kind}-${p.name}-${s}`);
      // One adapter of each kind comes second-hand, four insertions short of its rated life.
      const worn = getAdapterType(db, part.adapterType).ratedInsertions - 4;
      list.forEach((serial, s) => addAdapter(db, { type: part.adapterType, serial, priorInsertions: p.name === 'sim-3' && s === 2 ? worn : 0 }));
      adapters.set(p.name, list);
    }
    lots.push({ lot: kind === 'N' ? 'DEMO-NAND-2447' : 'DEMO-EMMC-2447', chip: part.chip, adapterType: part.adapterType, adapters });
  }

  const nandImage = path.join(dir, 'nand-firmware.bin');
  writeDemoImage(nandImage, [{ bytes: 10 << 20 }, { bytes: 4 << 20, fill: 0xff }, { bytes: 2 << 20 }], o.seed);
  const emmcImage = path.join(dir, 'emmc-system.img');
  writeDemoImage(emmcImage, [{ bytes: 24 << 20 }, { bytes: 8 << 20, fill: 0x00 }, { bytes: 16 << 20 }], o.seed + 1);
  await createJob(db, { name: 'demo-nand-fw', chip: DEMO_NAND.chip, image: nandImage, ops: 'id,erase,blank,program,verify' });
  await createJob(db, { name: 'demo-emmc-os', chip: DEMO_EMMC.chip, image: emmcImage, ops: 'id,program,verify', serial: 'GF24470000001@0x3000000' });
  for (const j of ['demo-nand-fw', 'demo-emmc-os']) if (!getJob(db, j).release) releaseJob(db, j, 'demo', 'released by the demo set-up');

  const half = Math.ceil(o.devices / 2);
  const csv = path.join(dir, 'reels.csv');
  fs.writeFileSync(
    csv,
    [
      'lot,reel,part,quantity,date_code,job',
      `DEMO-NAND-2447,RN-01,${DEMO_NAND.chip},${half},2447,demo-nand-fw`,
      `DEMO-NAND-2447,RN-02,${DEMO_NAND.chip},${o.devices - half},2447,demo-nand-fw`,
      `DEMO-EMMC-2447,RE-01,${DEMO_EMMC.chip},${half},2446,demo-emmc-os`,
      `DEMO-EMMC-2447,RE-02,${DEMO_EMMC.chip},${o.devices - half},2447,demo-emmc-os`,
    ].join('\n') + '\n',
  );
  importReels(db, csv);
  return lots;
}

/** Changes the farm over to a lot's adapters: unmounts whatever is mounted and mounts the lot's adapter on every site. */
export function mountLotAdapters(db: Db, lot: DemoLot): void {
  atomically(db, () => {
    for (const serial of mountedAdapterSerials(db)) unmountAdapter(db, serial);
    for (const [programmer, list] of lot.adapters) list.forEach((serial, site) => mountAdapter(db, serial, programmer, site));
  });
}
