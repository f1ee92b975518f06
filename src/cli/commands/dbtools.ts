import type { Command } from 'commander';
import { dbPath } from '../context.js';
import { openDb, verifyDb } from '../../db/open.js';
import { backupDb, lastGoodBackup } from '../../db/backup.js';
import { checkDb } from '../../db/check.js';
import { printJson, say } from '../output.js';
import { EXIT } from '../exit-codes.js';

/** `gangflash db backup` and `gangflash db check` (attached to the `db` command group). */
export function register(program: Command): void {
  const db = program.commands.find((c) => c.name() === 'db') ?? program.command('db').description('the gangflash database');
  db.command('backup')
    .description("copy the live database with SQLite's online backup (default: into <db>.backups/)")
    .option('--to <file>', 'write the backup here instead')
    .option('--json', 'print as JSON')
    .action(async function (this: Command, opts: { to?: string; json?: boolean }) {
      const file = dbPath(this);
      // A backup is only worth having when it is sound: the live database is checked before, the copy after.
      const handle = openDb(file, { create: false, migrate: false, verify: true });
      try {
        const dest = await backupDb(handle, file, opts.to);
        const copy = openDb(dest, { create: false, migrate: false });
        try {
          verifyDb(copy, dest);
        } finally {
          copy.close();
        }
        if (opts.json) printJson({ db: file, backup: dest });
        else say(`backed up ${file} to ${dest}`);
      } finally {
        handle.close();
      }
    });
  db.command('check')
    .description("run SQLite's integrity_check and foreign_key_check; exit 1 when the database is damaged")
    .option('--json', 'print as JSON')
    .action(function (this: Command, opts: { json?: boolean }) {
      const file = dbPath(this);
      const handle = openDb(file, { create: false, migrate: false });
      const r = checkDb(handle);
      handle.close();
      const backup = r.ok ? null : lastGoodBackup(file);
      if (opts.json) printJson({ db: file, ...r, lastGoodBackup: backup });
      else if (r.ok) say(`${file}: ok (schema version ${r.schemaVersion})`);
      else say(`${file}: DAMAGED\n  ${r.integrity.slice(0, 10).join('\n  ')}\n  foreign key violations: ${r.foreignKeyViolations}\n  ${backup ? `last good backup: ${backup}` : 'no good backup found'}`);
      if (!r.ok) process.exitCode = EXIT.userError;
    });
}
