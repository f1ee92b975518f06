import fs from 'node:fs';
import path from 'node:path';
import { openDb, type Db } from '../../src/db/open.js';
import { loadCatalogs } from '../../src/catalog/load.js';
import { addAdapter, addProgrammer, mountAdapter } from '../../src/inventory/index.js';
import { createJob } from '../../src/jobs/create.js';
import { releaseJob } from '../../src/jobs/release.js';
import { importReels } from '../../src/lots/import.js';
import { writeDemoImage } from '../../src/demo/images.js';

/** A sim farm, a job and a lot in a fresh database, for end-to-end run tests. */
export interface LotFixtureOptions {
  dir: string;
  /** Programmers × sites. @default 2 × 4 */
  programmers?: number;
  sites?: number;
  /** Sites per programmer index (1-based), overriding `sites`. */
  sitesPer?: Record<number, number>;
  /** Devices in the lot (one reel). @default 40 */
  devices?: number;
  /** Chip and the adapter type mounted on every site. @default the demo's eMMC */
  chip?: string;
  adapterType?: string;
  /** Image bytes. @default 256 KiB */
  imageBytes?: number;
  /** Sim options of every programmer (speed defaults to unlimited). */
  sim?: Record<string, unknown>;
  /** Sim options per programmer index, merged over `sim`. */
  simPer?: Record<number, Record<string, unknown>>;
  /** Prior insertions per adapter serial `A-p-s`. */
  prior?: Record<string, number>;
  ops?: string;
  serial?: string;
}

/** Builds the fixture and returns its database path (closed) and lot id. */
export async function lotFixture(o: LotFixtureOptions): Promise<{ dbFile: string; lot: string; image: string }> {
  fs.mkdirSync(o.dir, { recursive: true });
  const dbFile = path.join(o.dir, 'gangflash.db');
  const db: Db = openDb(dbFile);
  try {
    loadCatalogs(db);
    const chip = o.chip ?? 'KLM8G1GETF-B041';
    const adapterType = o.adapterType ?? 'emmc-153-11.5x13-clam-1';
    for (let p = 1; p <= (o.programmers ?? 2); p++) {
      const name = `sim-${p}`;
      const sites = o.sitesPer?.[p] ?? o.sites ?? 4;
      addProgrammer(db, {
        name,
        driver: 'sim',
        model: 'sim-gang',
        serial: `SIM-${p}`,
        sites,
        options: { seed: 100 + p, speed: 'unlimited', ...o.sim, ...o.simPer?.[p] },
      });
      for (let s = 0; s < sites; s++) {
        const serial = `A-${p}-${s}`;
        addAdapter(db, { type: adapterType, serial, priorInsertions: o.prior?.[serial] ?? 0 });
        mountAdapter(db, serial, name, s);
      }
    }
    const image = path.join(o.dir, 'image.bin');
    const bytes = o.imageBytes ?? 256 << 10;
    writeDemoImage(image, [{ bytes: bytes / 2 }, { bytes: bytes / 4, fill: 0xff }, { bytes: bytes / 4 }], 7);
    await createJob(db, { name: 'job', chip, image, ops: o.ops ?? 'id,program,verify', serial: o.serial });
    releaseJob(db, 'job', 'test', null);
    const csv = path.join(o.dir, 'reels.csv');
    fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\nLOT-1,R1,${chip},${o.devices ?? 40},2447,job\n`);
    importReels(db, csv);
  } finally {
    db.close();
  }
  return { dbFile, lot: 'LOT-1', image: path.join(o.dir, 'image.bin') };
}

/** Invariants a lot's rows must always satisfy: one device row per (reel, seq), attempts consistent, integrity ok. */
export function lotRows(dbFile: string, lot = 'LOT-1') {
  const db = openDb(dbFile, { create: false });
  try {
    return {
      devices: (db.prepare('SELECT count(*) FROM devices WHERE lot_id = ?').pluck().get(lot) as number),
      distinct: (db.prepare("SELECT count(DISTINCT reel_id || '/' || seq) FROM devices WHERE lot_id = ?").pluck().get(lot) as number),
      passed: (db.prepare("SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'pass'").pluck().get(lot) as number),
      failed: (db.prepare("SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'fail'").pluck().get(lot) as number),
      failedWithoutCode: (db.prepare("SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'fail' AND failure_code IS NULL").pluck().get(lot) as number),
      attempts: (db.prepare('SELECT count(*) FROM attempts WHERE lot_id = ?').pluck().get(lot) as number),
      /** Attempts with a result (not in-socket or interrupted). */
      finished: (db.prepare("SELECT count(*) FROM attempts WHERE lot_id = ? AND result IN ('pass', 'fail')").pluck().get(lot) as number),
      interrupted: (db.prepare("SELECT count(*) FROM attempts WHERE lot_id = ? AND result = 'interrupted'").pluck().get(lot) as number),
      duplicateSerials: (db.prepare('SELECT count(*) FROM (SELECT serial FROM devices WHERE lot_id = ? AND serial IS NOT NULL GROUP BY serial HAVING count(*) > 1)').pluck().get(lot) as number),
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}
