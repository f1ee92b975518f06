import { fs } from '../node-fs.js';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { GangflashError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { commandFiles, topLevelHelpOnly } from './command-files.js';

/** The version in gangflash's package.json (two folders above src/cli, from source or from dist). */
function packageVersion(): string {
  for (const up of ['../..', '../../..']) {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), up, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/**
 * Builds the gangflash command tree: every file in ./commands exports `register(program)`; `out` takes help text. With
 * `argv`, only the files that command needs are loaded (see command-files.ts): `--version` loads none, and the
 * top-level help none either (its list comes from command-index.ts).
 */
export async function buildProgram(out?: (text: string) => void, argv?: string[]): Promise<Command> {
  const program = new Command('gangflash')
    .description('offline gang-programming farm orchestrator')
    .version(packageVersion(), '-V, --version', 'print the gangflash version')
    .option('--db <path>', 'database file (default: $GANGFLASH_DB or ./gangflash.db)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Set before the commands are registered: each subcommand copies its parent's output settings when it is made.
  if (out) program.configureOutput({ writeOut: out });
  // The top-level help lists the commands from their index: no command file is loaded for it (nor the index otherwise).
  if (argv && topLevelHelpOnly(argv)) {
    const { registerTopLevelIndex } = await import('./command-index.js');
    registerTopLevelIndex(program);
    return program;
  }
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');
  const all = fs.readdirSync(dir).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map')).sort();
  const base = (f: string) => f.replace(/\.(js|ts)$/, '');
  const wanted = argv ? new Set(commandFiles(argv, all.map(base))) : undefined;
  const files = wanted ? all.filter((f) => wanted.has(base(f))) : all;
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  return program;
}

/** Runs the CLI with `argv` (user arguments only) and returns the exit code; never throws for a user error. */
export async function main(argv: string[]): Promise<number> {
  // A reader that goes away (`gangflash … | head`) is not an error; a command cut short that way keeps the exit
  // code it set for that case (`run` sets "interrupted" while it programs, so a script never reads 0 = lot done).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
    throw e;
  });
  // With --json, stdout carries exactly one JSON document whatever happens: the command's, or {version}, {help},
  // or {error: {code, message}} for a usage error commander found (its human message still goes to stderr).
  const json = argv.includes('--json');
  if (json && versionAsked(argv)) {
    process.stdout.write(JSON.stringify({ version: packageVersion() }) + '\n');
    return EXIT.ok;
  }
  let help = '';
  const program = await buildProgram(json ? (text) => (help += text) : undefined, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (thrown) {
    let e = thrown;
    if (e instanceof CommanderError) {
      if (json) process.stdout.write(JSON.stringify(commanderJson(e, help)) + '\n');
      return e.exitCode === 0 ? EXIT.ok : EXIT.userError;
    }
    if (!(e instanceof GangflashError)) {
      // Loaded only here: --version, --help and commands without a database never load the SQLite binding, and a
      // command that succeeds never loads the storage-failure wording.
      const { damaged, isDamage, resolveDbPath } = await import('../db/open.js');
      const { isStorageFailure, storageFailed } = await import('../db/storage-failure.js');
      const dbFile = () => resolveDbPath((program.opts() as { db?: string }).db);
      // Any command: a write the storage refused (full, read-only, immutable, locked, I/O) is exit 5 in one line.
      if (isStorageFailure(e)) e = storageFailed(e, (e as { path?: string }).path ?? dbFile());
      // Any command that reads a damaged page (the open reads only the header and schema): damage, not a bug.
      else if (isDamage(e)) e = damaged(dbFile(), (e as Error).message);
    }
    if (e instanceof GangflashError) {
      if (json) process.stdout.write(JSON.stringify({ error: e.toJSON() }) + '\n');
      process.stderr.write(`gangflash: ${e.describe()} [${e.code}]\n`);
      return exitCodeFor(e);
    }
    if (json) process.stdout.write(JSON.stringify({ error: { code: 'internal', message: String((e as Error)?.message ?? e) } }) + '\n');
    process.stderr.write(`gangflash: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}

/** True when the arguments ask for the version before naming any command (`--version --json`, `--json -V`). */
function versionAsked(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--version' || a === '-V') return true;
    if (!a.startsWith('-')) return false;
  }
  return false;
}

/** The JSON document for commander's own exits: help text, or a usage error with a stable kebab-case code. */
function commanderJson(e: CommanderError, help: string): Record<string, unknown> {
  if (e.exitCode === 0) return { help };
  const code = e.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return { error: { code, message: e.message.replace(/^error: /, '') } };
}
