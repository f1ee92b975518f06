import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { openDb } from '../../db/open.js';
import { setupDemo, mountLotAdapters } from '../../demo/setup.js';
import { yieldReport } from '../../stats/yield.js';
import { outputMode } from '../run-output.js';
import { runLotCommand } from '../run-lot.js';
import { parseSpeed } from './run.js';
import { printJson, say, table } from '../output.js';
import { EXIT } from '../exit-codes.js';
import { intOption, QUANTITY } from '../../strict-number.js';
import { UsageError } from '../../errors.js';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** `gangflash demo`: a whole run on the default simulated farm, from an empty folder. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('build a demo database (catalogs, 4x8 sim farm, NAND and eMMC jobs, two reel lots) and run both lots with the live view')
    .option('--dir <dir>', 'folder for the demo database and images (default: a new temporary folder)')
    .option('--devices <n>', 'devices per lot', (v) => intOption('--devices', v, QUANTITY), 192)
    .option('--speed <x>', 'simulation speed: 1 = datasheet real time, or "unlimited"', parseSpeed, 5)
    .option('--seed <n>', 'seed of every simulated fault', (v) => intOption('--seed', v, { min: 0, max: 2 ** 31 - 1 }), 2447)
    .option('--json', 'NDJSON events of both runs, then a JSON summary')
    .action(async function (this: Command, o: { dir?: string; devices: number; speed: number | 'unlimited'; seed: number; json?: boolean }) {
      if (!Number.isInteger(o.devices) || o.devices < 2) throw new UsageError('bad-option', '--devices must be a whole number ≥ 2');
      const dir = o.dir ? path.resolve(o.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-demo-'));
      fs.mkdirSync(dir, { recursive: true });
      const dbFile = path.join(dir, 'gangflash.db');
      if (fs.existsSync(dbFile)) throw new UsageError('demo-exists', `${dbFile} already exists; pass another --dir or remove it`);
      const mode = outputMode(o.json);
      const db = openDb(dbFile);
      try {
        if (mode === 'live') say(`gangflash demo: building ${dbFile} (catalogs, 4 sim programmers x 8 sites, NAND and eMMC jobs, ${o.devices} devices per lot)`);
        const lots = await setupDemo(db, dir, { programmers: 4, sites: 8, devices: o.devices, speed: o.speed, seed: o.seed });
        let code: number = EXIT.ok;
        for (const lot of lots) {
          mountLotAdapters(db, lot);
          if (mode === 'live') say(`\nlot ${lot.lot}: ${lot.chip} in ${lot.adapterType} adapters on every site`);
          const c = await runLotCommand({ dbFile, db, lot: lot.lot, mode, speed: o.speed });
          if (c !== EXIT.ok) code = c;
          if (c === EXIT.interrupted) break;
        }
        const byFailure = yieldReport(db, 'lot');
        const sites = yieldReport(db, 'site').rows.filter((r) => r.n > 0).sort((a, b) => (a.yield ?? 1) - (b.yield ?? 1)).slice(0, 5);
        if (mode !== 'live') {
          printJson({ db: dbFile, lots: byFailure.rows, failures: byFailure.failures, worstSites: sites });
        } else {
          say(`\nyield by lot (final and first-pass):`);
          say(table(byFailure.rows, [
            { header: 'lot', get: (r) => r.key },
            { header: 'devices', get: (r) => r.n, align: 'right' },
            { header: 'passed', get: (r) => r.passed, align: 'right' },
            { header: 'yield', get: (r) => pct(r.yield), align: 'right' },
            { header: 'first pass', get: (r) => pct(r.firstPass), align: 'right' },
          ]));
          say(`\nfailures by code and stage:`);
          say(byFailure.failures.length ? table(byFailure.failures, [
            { header: 'failure', get: (f) => f.code },
            { header: 'stage', get: (f) => f.stage },
            { header: 'devices', get: (f) => f.devices, align: 'right' },
            { header: 'attempts', get: (f) => f.attempts, align: 'right' },
          ]) : 'none');
          say(`\nworst sites (attempt yield, Wilson 95% interval):`);
          say(table(sites, [
            { header: 'site', get: (r) => r.key },
            { header: 'attempts', get: (r) => r.n, align: 'right' },
            { header: 'yield', get: (r) => pct(r.yield), align: 'right' },
            { header: '95% CI', get: (r) => (r.ci ? `${pct(r.ci.low)}–${pct(r.ci.high)}` : '') },
          ]));
          say(`\nthe demo database is ${dbFile}; look around with e.g.\n  npx gangflash --db ${dbFile} stats yield --by site\n  npx gangflash --db ${dbFile} adapters inventory\n  npx gangflash --db ${dbFile} report lot DEMO-EMMC-2447 --format html --out report.html`);
        }
        process.exitCode = code;
      } finally {
        db.close();
      }
    });
}
