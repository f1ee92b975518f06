import fs from 'node:fs';
import path from 'node:path';
import { openDb, type Db } from '../../src/db/open.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { addAdapter, addProgrammer, mountAdapter } from '../../src/inventory/index.js';
import { createJob } from '../../src/jobs/create.js';
import { releaseJob } from '../../src/jobs/release.js';
import { importReels } from '../../src/lots/import.js';
import { writeDemoImage } from '../../src/demo/images.js';
import type { EmulatedBoardOptions } from '../../src/programmers/emulation/options.js';

/** A farm of emulated one-socket USB boards (one programmer per board), a job and a one-reel lot. */
export interface UsbLotFixtureOptions {
  dir: string;
  /** Driver and catalog model of every board. */
  driver: 'ch341a' | 'nando';
  model: 'CH341A' | 'NANDO';
  /** Catalog chip of the job and the lot. */
  chip: string;
  /** Adapter type mounted on each board's one site (must fit the chip on the driver's family). */
  adapterType: string;
  /** Emulated options of each board, one entry a board (its length is the number of boards). */
  boards: EmulatedBoardOptions[];
  /** Devices in the lot. @default 12 */
  devices?: number;
  /** Image bytes: half data, a quarter 0xFF, a quarter data. @default 128 KiB */
  imageBytes?: number;
  /** Job operations. @default 'id,erase,program,verify' */
  ops?: string;
  /** Serial numbering of the job. @default none */
  serial?: string;
  /** Register the boards and mount their adapters through a farm.json (written next to the database) instead of
   * `addProgrammer`/`mountAdapter`; only the adapters are put in the inventory. @default false */
  viaFarmFile?: boolean;
}

/** The farm.json shape for USB boards: one programmer per board, 1 site, its adapter on site 0. */
export function usbFarmDoc(o: Pick<UsbLotFixtureOptions, 'driver' | 'model' | 'boards'>) {
  return {
    programmers: o.boards.map((emulated, k) => ({
      name: `${o.driver}-${k + 1}`,
      driver: o.driver,
      model: o.model,
      serial: `${o.model}-EMU-${k + 1}`,
      sites: 1,
      adapters: [`A-${k + 1}`],
      options: { emulated },
    })),
  };
}

/** Builds the database (closed on return) with programmers `<driver>-1..N`, adapters `A-1..N` and lot LOT-1. */
export async function usbLotFixture(o: UsbLotFixtureOptions): Promise<{ dbFile: string; lot: string; farmFile?: string }> {
  fs.mkdirSync(o.dir, { recursive: true });
  const dbFile = path.join(o.dir, 'gangflash.db');
  const db: Db = openDb(dbFile);
  try {
    loadCatalogs(db);
    for (const p of usbFarmDoc(o).programmers) {
      addAdapter(db, { type: o.adapterType, serial: p.adapters[0] });
      if (o.viaFarmFile) continue;
      addProgrammer(db, p);
      mountAdapter(db, p.adapters[0], p.name, 0);
    }
    const image = path.join(o.dir, 'image.bin');
    const bytes = o.imageBytes ?? 128 << 10;
    writeDemoImage(image, [{ bytes: bytes / 2 }, { bytes: bytes / 4, fill: 0xff }, { bytes: bytes / 4 }], 11);
    await createJob(db, { name: 'job', chip: o.chip, image, ops: o.ops ?? 'id,erase,program,verify', serial: o.serial });
    releaseJob(db, 'job', 'test', null);
    const csv = path.join(o.dir, 'reels.csv');
    fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\nLOT-1,R1,${o.chip},${o.devices ?? 12},2447,job\n`);
    importReels(db, csv);
  } finally {
    db.close();
  }
  if (!o.viaFarmFile) return { dbFile, lot: 'LOT-1' };
  const farmFile = path.join(o.dir, 'farm.json');
  fs.writeFileSync(farmFile, JSON.stringify(usbFarmDoc(o), null, 2));
  return { dbFile, lot: 'LOT-1', farmFile };
}

/** Every attempt of a lot with its programmer, result and bad-block count, in order. */
export function lotAttempts(dbFile: string, lot = 'LOT-1') {
  const db = openDb(dbFile, { create: false });
  try {
    return db.prepare(
      `SELECT a.reel_id AS reel, a.seq, a.attempt, p.name AS programmer, a.site, d.serial AS adapter, a.result,
              a.failure_code AS failureCode, a.stage, a.bad_blocks AS badBlocks
         FROM attempts a JOIN programmers p ON p.id = a.programmer_id LEFT JOIN adapters d ON d.id = a.adapter_id
        WHERE a.lot_id = ? ORDER BY a.seq, a.attempt`,
    ).all(lot) as { reel: string; seq: number; attempt: number; programmer: string; site: number; adapter: string | null; result: string; failureCode: string | null; stage: string | null; badBlocks: number }[];
  } finally {
    db.close();
  }
}
