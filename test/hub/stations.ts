import fs from 'node:fs';
import path from 'node:path';
import { lotFixture } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';

/**
 * A station's journal for a hub lot: the same sim farm, job, image and serial option on every station (so every
 * station pins the same image SHA-256 and rule), and the lot LOT-1 with reels R01…Rnn of `quantity` devices.
 */
export async function stationJournal(dir: string, o: { reels: number; quantity: number; programmers?: number; sites?: number; sim?: Record<string, unknown>; serial?: string | null; imageBytes?: number }): Promise<string> {
  const serial = o.serial === null ? undefined : (o.serial ?? 'SN000001@0x100000');
  const { dbFile } = await lotFixture({ dir, devices: o.quantity, programmers: o.programmers ?? 2, sites: o.sites ?? 8, serial, imageBytes: o.imageBytes ?? 64 << 10, sim: o.sim });
  // The fixture's one reel is R1; the lot's other reels come from a second import, as an ERP file would add them.
  if (o.reels === 1) return dbFile;
  const csv = path.join(dir, 'more-reels.csv');
  const rows = Array.from({ length: o.reels - 1 }, (_, i) => `LOT-1,R${String(i + 2).padStart(2, '0')},KLM8G1GETF-B041,${o.quantity},2447,job`);
  fs.writeFileSync(csv, `lot,reel,part,quantity,date_code,job\n${rows.join('\n')}\n`);
  const r = runCli(['--db', dbFile, 'lot', 'import', csv]);
  if (r.code !== 0) throw new Error(`lot import failed: ${r.stderr}`);
  return dbFile;
}
