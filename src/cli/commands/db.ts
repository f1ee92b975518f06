import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openDb } from '../../db/open.js';
import { loadMigrations } from '../../db/migrations.js';
import { loadCatalogs, type LoadReport, type TableCounts } from '../../catalog/load.js';
import { dbPath } from '../context.js';
import { printJson, say, table } from '../output.js';

/** Removes a database file and its WAL, shared-memory and journal files (those that exist). */
function removeDbFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.rmSync(f, { force: true });
    } catch (e) {
      // A --db under a file (x.csv/new.db) was never created: the error that stopped the command is the one to show.
      if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    }
  }
}

/** `gangflash db init`: create or migrate the database and load the chip, adapter and programmer catalogs. */
export function register(program: Command): void {
  const db = program.commands.find((c) => c.name() === 'db') ?? program.command('db').description('the gangflash database');
  db.command('init')
    .description('create or migrate the database and load the catalogs (chips, adapter types, programmer models); safe to repeat')
    .option('--chips <dir>', 'chip catalog folder (default: the package chipdb/chips)')
    .option('--adapters <dir>', 'adapter catalog folder (default: the package adapters/)')
    .option('--programmers <file>', 'programmer catalog file (default: the package chipdb/programmers.json)')
    .option('--json', 'print the counts as JSON')
    .action(function (this: Command, opts: { chips?: string; adapters?: string; programmers?: string; json?: boolean }) {
      const file = dbPath(this);
      let from = 0;
      const created = !fs.existsSync(file);
      let handle: ReturnType<typeof openDb>;
      try {
        handle = openDb(file, { beforeMigrate: (_d, f) => (from = f) });
      } catch (e) {
        if (created) removeDbFiles(file);
        throw e;
      }
      let ok = false;
      try {
        const report: LoadReport = loadCatalogs(handle, {
          ...(opts.chips ? { chipDir: path.resolve(opts.chips) } : {}),
          ...(opts.adapters ? { adapterDir: path.resolve(opts.adapters) } : {}),
          ...(opts.programmers ? { programmersFile: path.resolve(opts.programmers) } : {}),
        });
        const schemaVersion = loadMigrations().length;
        ok = true;
        if (opts.json) return printJson({ db: file, schemaVersion, migratedFrom: from || null, ...report });
        say(`${file}: schema version ${schemaVersion}${from ? ` (migrated from ${from})` : ''}`);
        const rows: [string, TableCounts][] = [
          ['programmer families', report.families], ['programmer models', report.models],
          ['chips', report.chips], ['adapter types', report.adapterTypes],
        ];
        say(table(rows, [
          { header: 'catalog', get: (r) => r[0] },
          { header: 'entries', get: (r) => r[1].total, align: 'right' },
          { header: 'inserted', get: (r) => r[1].inserted, align: 'right' },
          { header: 'updated', get: (r) => r[1].updated, align: 'right' },
          { header: 'not in catalog', get: (r) => r[1].notInCatalog, align: 'right' },
        ]));
        say(report.unchanged ? 'catalogs already up to date: nothing changed' : `catalogs loaded (${report.fitRowsChanged} fit/family rows changed)`);
      } finally {
        handle.close();
        // A database this command created and could not finish is removed: nothing half-written stays behind.
        if (!ok && created) removeDbFiles(file);
      }
    });
}
