// The floor of `gangflash chips` (bench:scale startup): the least a `chips` can do on gangflash's stack, nothing of
// gangflash loaded. commander parses `--db PATH chips`, better-sqlite3 opens the database in WAL mode, one SELECT of
// the chip catalog, one line a chip on stdout; compile cache on, as in bin/gangflash.js. Plain JavaScript run by node
// itself, so that no TypeScript loader is timed. `--upto STAGE` stops after one of STAGES (each adds to the one
// before it), so that the floor's milliseconds can be told apart: the ES module entry, node:fs as an ES module,
// the other built-ins commander imports, commander itself, better-sqlite3's JavaScript, its native addon.
import module from 'node:module';

const STAGES = ['entry', 'fs', 'builtins', 'commander', 'sqlite-js', 'sqlite-native'];
const upto = process.argv[2] === '--upto' ? STAGES.indexOf(process.argv[3]) : STAGES.length;
if (upto < 0) throw new Error(`--upto: one of ${STAGES.join(', ')}`);
const args = process.argv[2] === '--upto' ? process.argv.slice(4) : process.argv.slice(2);

module.enableCompileCache?.();
if (upto >= 1) await import('node:fs');
if (upto >= 2) await Promise.all(['node:process', 'node:util', 'node:child_process'].map((m) => import(m)));
const { Command } = upto >= 3 ? await import('commander') : {};
const { default: Database } = upto >= 4 ? await import('better-sqlite3') : {};
if (upto === 5) new Database(':memory:').close();

if (upto === STAGES.length) {
  const program = new Command('floor').option('--db <path>').exitOverride();
  program.command('chips').action(() => {
    const db = new Database(program.opts().db, { fileMustExist: true });
    db.pragma('journal_mode = WAL');
    const rows = db.prepare('SELECT part, vendor, kind, package, capacity_bytes AS bytes FROM chips ORDER BY kind, vendor, part').all();
    process.stdout.write(rows.map((r) => `${r.part}  ${r.vendor}  ${r.kind}  ${r.package}  ${r.bytes}`).join('\n') + '\n');
    db.close();
  });
  await program.parseAsync(args, { from: 'user' });
}
