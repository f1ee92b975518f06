import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { chosenDbPath, openDb } from '../../db/open.js';
import { setupDemo, mountLotAdapters } from '../../demo/setup.js';
import { yieldReport } from '../../stats/yield.js';
import { outputMode } from '../run-output.js';
import { runCommand } from '../run-command.js';
import { parseSpeed } from './run.js';
import { say, table } from '../output.js';
import type { GlobalOptions } from '../context.js';
import { gangflashCommand, shellQuote } from '../invocation.js';
import { EXIT } from '../exit-codes.js';
import { intOption, QUANTITY } from '../../strict-number.js';
import { UsageError } from '../../errors.js';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

/** `gangflash demo`: a whole run on the default simulated farm, from an empty folder. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('build a demo database (catalogs, 4x8 sim farm, NAND and eMMC jobs, two reel lots) and run both lots with the live view')
    .option('--dir <dir>', 'folder for the demo images, and for its database unless --db or GANGFLASH_DB names one (default: beside that database, else a new temporary folder)')
    .option('--devices <n>', 'devices per lot', (v) => intOption('--devices', v, QUANTITY), 192)
    .option('--speed <x>', 'simulation speed: 1 = datasheet real time, or "unlimited"', parseSpeed, 5)
    .option('--seed <n>', 'seed of every simulated fault', (v) => intOption('--seed', v, { min: 0, max: 2 ** 31 - 1 }), 2447)
    .option('--json', 'NDJSON events of both runs, then a one-line "demo-summary" object')
    .option('--bell', 'live view: ring the terminal bell on every alarm')
    .action(async function (this: Command, o: { dir?: string; devices: number; speed: number | 'unlimited'; seed: number; json?: boolean; bell?: boolean }) {
      if (!Number.isInteger(o.devices) || o.devices < 2) throw new UsageError('bad-option', '--devices must be a whole number ≥ 2');
      const { dir, dbFile } = demoFiles((this.optsWithGlobals() as GlobalOptions).db, o.dir);
      const mode = outputMode(o.json);
      const db = openDb(dbFile);
      try {
        if (mode === 'live') say(`gangflash demo: building ${dbFile} (catalogs, 4 sim programmers x 8 sites, NAND and eMMC jobs, ${o.devices} devices per lot)`);
        const lots = await setupDemo(db, dir, { programmers: 4, sites: 8, devices: o.devices, speed: o.speed, seed: o.seed });
        let code: number = EXIT.ok;
        for (const lot of lots) {
          mountLotAdapters(db, lot);
          if (mode === 'live') say(`\nlot ${lot.lot}: ${lot.chip} in ${lot.adapterType} adapters on every site`);
          const c = await runCommand({ dbFile, db, lot: lot.lot, mode, speed: o.speed, bell: o.bell });
          if (c !== EXIT.ok) code = c;
          if (c === EXIT.interrupted) break;
        }
        const byFailure = yieldReport(db, 'lot');
        const sites = yieldReport(db, 'site').rows.filter((r) => r.n > 0).sort((a, b) => (a.yield ?? 1) - (b.yield ?? 1)).slice(0, 5);
        if (mode !== 'live') {
          // One line, like every other object of the NDJSON stream the runs printed before it.
          process.stdout.write(JSON.stringify({ type: 'demo-summary', at: new Date().toISOString(), db: dbFile, lots: byFailure.rows, failures: byFailure.failures, worstSites: sites }) + '\n');
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
          const run = `${gangflashCommand()} --db ${shellQuote(dbFile)}`;
          say(`\nthe demo database is ${dbFile}; look around with e.g.\n  ${run} stats yield --by site\n  ${run} adapters inventory\n  ${run} report lot DEMO-EMMC-2447 --format html --out report.html`);
        }
        process.exitCode = code;
      } finally {
        db.close();
      }
    });
}

/**
 * Where the demo builds its database and images: the global --db (or GANGFLASH_DB) names the database, with the
 * images beside it or in --dir; without it, `gangflash.db` in --dir or in a new temporary folder. An existing
 * database is never touched: the demo refuses it and says which setting chose it.
 */
export function demoFiles(dbOption: string | undefined, dirOption: string | undefined): { dir: string; dbFile: string } {
  const chosen = chosenDbPath(dbOption);
  const dbFile = chosen ? path.resolve(chosen) : path.join(dirOption ? path.resolve(dirOption) : fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-demo-')), 'gangflash.db');
  const dir = dirOption ? path.resolve(dirOption) : path.dirname(dbFile);
  if (fs.existsSync(dbFile)) {
    const how = dbOption
      ? 'the demo builds a new database: pass --db with a file that does not exist yet'
      : chosen
        ? 'it is named by GANGFLASH_DB; the demo builds a new database: unset GANGFLASH_DB, or pass --db with a file that does not exist yet'
        : 'pass another --dir or remove it';
    throw new UsageError('demo-exists', `${dbFile} already exists; ${how}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  return { dir, dbFile };
}
