import { Help, type Command } from 'commander';

/**
 * gangflash's top-level commands as `gangflash --help` lists them (term and description), so that the top-level help
 * is printed without loading every command file (that took ~180 ms, 8× `node -e 0`, bench:scale). The command files
 * stay the source: test/cli/lazy-commands.test.ts fails, printing the table to paste here, when they disagree.
 */
export const TOP_LEVEL_COMMANDS: readonly { term: string; description: string }[] = [
  { term: 'adapters', description: 'socket adapters: types, inventory, mounting, wear' },
  { term: 'alarms [options]', description: 'recorded alarms and audit events (sites disabled, adapters at end of life, mounts, overrides), newest last' },
  { term: 'chips [options] [text]', description: 'list catalog chips whose part number or vendor contains TEXT' },
  { term: 'chip', description: 'one catalog chip' },
  { term: 'compat [options] <part>', description: 'adapter types that fit PART, how many we own, how many are mounted on a programmer that drives it, and healthy sites today' },
  { term: 'db', description: 'the gangflash database' },
  { term: 'demo [options]', description: 'build a demo database (catalogs, 4x8 sim farm, NAND and eMMC jobs, two reel lots) and run both lots with the live view' },
  { term: 'farm', description: 'the farm of programmers: find USB programmers attached to this PC' },
  { term: 'hub', description: 'the factory hub (PostgreSQL) that several stations work through' },
  { term: 'image', description: 'image files: raw, Intel HEX, S-record, Android sparse, optionally gzip-compressed' },
  { term: 'job', description: 'jobs: chip + pinned image + operations + layout + serials, versioned' },
  { term: 'lot', description: 'reel lots: import from ERP/MES files, list, show counters' },
  { term: 'mes', description: 'MES: IPC-CFX messages over AMQP 1.0 (or a file folder) from a durable outbox (docs/mes.md)' },
  { term: 'plan [options]', description: 'capacity plan: fitting adapters, healthy sites, time per cycle, hours, expected good parts, adapter wear, what to order' },
  { term: 'programmers', description: 'programmers of the farm: add, list, remove' },
  { term: 'reel', description: 'reels on the hub: move one between stations' },
  { term: 'report', description: 'reports for planners and MES import' },
  { term: 'run [options]', description: 'program a lot on the farm: every usable site at once, every attempt recorded; resumes after a crash' },
  { term: 'serials', description: 'serial rules and their ledger: every value issued, and what became of it' },
  { term: 'serve [options]', description: 'read-only web dashboard: farm (live during a run), lots, adapter inventory and forecasts, plans' },
  { term: 'sites', description: 'sites (sockets) of the farm: state, enable after a repair, disable' },
  { term: 'stats', description: 'yield and failure statistics from the recorded attempts' },
  { term: 'trace [options] [serial]', description: "a serial value's or a device's whole history: lot, reel, chip, job, image, every insertion, every value it held" },
];

/** Registers every top-level command as a name and description only, listed with its term from the table. */
export function registerTopLevelIndex(program: Command): void {
  const terms = new Map<string, string>();
  for (const c of TOP_LEVEL_COMMANDS) {
    const name = c.term.split(' ')[0];
    terms.set(name, c.term);
    program.command(name).description(c.description);
  }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
}
