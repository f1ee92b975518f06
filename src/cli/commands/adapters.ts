import { Command } from 'commander';
import { actor } from '../../jobs/release.js';
import { UsageError } from '../../errors.js';
import { intOption } from '../../strict-number.js';
import { listAdapterTypes, type AdapterType } from '../../catalog/adapter-types.js';
import { addAdapterMounted, getAdapter, mountAdapter, overrideLife, replaceSocket, retireAdapter, unmountAdapter } from '../../inventory/adapters.js';
import { inventory } from '../../inventory/inventory.js';
import { setAdapterPrice } from '../../store/adapter-prices.js';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { printInventory } from '../inventory-output.js';
import { hubInventory } from '../hub-inventory.js';

/** Parses PROGRAMMER:SITE. */
function parseTarget(text: string): { programmer: string; site: number } {
  const m = /^(.+):(\d+)$/.exec(text);
  if (!m) throw new UsageError('bad-target', `"${text}": give PROGRAMMER:SITE, e.g. sim-1:0`);
  return { programmer: m[1], site: intOption('site', m[2], { min: 0, max: 63 }) };
}

/** `gangflash adapters types|inventory|add|mount|unmount|retire|replace-socket|override`. */
export function register(program: Command): void {
  const adapters = program.commands.find((c) => c.name() === 'adapters') ?? program.command('adapters').description('socket adapters: types, inventory, mounting, wear');

  adapters.command('types').description('adapter types in the catalog: package, body sizes, pitch, sites, rated insertions, families')
    .option('--json', 'print as JSON')
    .action(function (this: Command, opts: { json?: boolean }) {
      const types = withDb(this, (db) => listAdapterTypes(db));
      if (opts.json) return printJson(types);
      say(table(types, [
        { header: 'id', get: (t: AdapterType) => t.id },
        { header: 'fits', get: (t) => t.fits.map((f) => `${f.package} ${f.bodyWmm}x${f.bodyLmm}`).join(', ') },
        { header: 'pitch', get: (t) => t.pitchMm, align: 'right' },
        { header: 'sites', get: (t) => t.sites, align: 'right' },
        { header: 'rated', get: (t) => t.ratedInsertions, align: 'right' },
        { header: 'families', get: (t) => t.families.join(',') },
      ]));
    });

  adapters.command('inventory').description('every physical adapter: where mounted, insertions used, rated, % life left, status')
    .option('--hub [url]', "every station's adapters on the hub instead of this station's (default: $GANGFLASH_HUB)")
    .option('--json', 'print as JSON (adapters and programmers with their sites; with --hub: adapters with their station)')
    .action(async function (this: Command, opts: { hub?: string | boolean; json?: boolean }) {
      if (opts.hub) {
        const adapters = await hubInventory(this);
        if (opts.json) return printJson({ adapters });
        return printInventory(adapters);
      }
      const inv = withDb(this, (db) => inventory(db));
      if (opts.json) return printJson(inv);
      printInventory(inv.adapters);
    });

  adapters.command('add').description('register a physical adapter of a catalog type, optionally mounting it')
    .requiredOption('--type <type>', 'adapter type id (see `adapters types`)')
    .requiredOption('--serial <serial>', 'the adapter serial number')
    .option('--mount <programmer:site>', 'mount it right away on PROGRAMMER from SITE on')
    .option('--prior-insertions <n>', 'insertions its socket already had', '0')
    .option('--json', 'print as JSON')
    .action(function (this: Command, opts: { type: string; serial: string; mount?: string; priorInsertions: string; json?: boolean }) {
      const target = opts.mount ? parseTarget(opts.mount) : null;
      const prior = intOption('--prior-insertions', opts.priorInsertions, { min: 0, max: 100_000_000 });
      const a = withDb(this, (db) => addAdapterMounted(db, { type: opts.type, serial: opts.serial, priorInsertions: prior }, target));
      if (opts.json) return printJson(a);
      say(`adapter ${a.serial} (${a.type}) added${target ? ` and mounted on ${target.programmer}:${target.site}` : ' to the shelf'}`);
    });

  adapters.command('mount <serial> <target>').description('mount adapter SERIAL on PROGRAMMER:SITE (first site it occupies)')
    .option('--json', 'print as JSON')
    .action(function (this: Command, serial: string, target: string, opts: { json?: boolean }) {
      const t = parseTarget(target);
      const a = withDb(this, (db) => mountAdapter(db, serial, t.programmer, t.site));
      if (opts.json) return printJson(a);
      say(`adapter ${serial} mounted on ${t.programmer}:${t.site}`);
    });

  const simple = (name: string, what: string, fn: typeof unmountAdapter, done: string) =>
    adapters.command(`${name} <serial>`).description(what).option('--json', 'print as JSON')
      .action(function (this: Command, serial: string, opts: { json?: boolean }) {
        const a = withDb(this, (db) => fn(db, serial));
        if (opts.json) return printJson(a);
        say(`adapter ${serial} ${done}`);
      });
  simple('unmount', 'take adapter SERIAL off its programmer (to the shelf)', unmountAdapter, 'unmounted');
  adapters.command('retire <serial>').description('retire adapter SERIAL (unmounted; refused for mounting until its socket is replaced)')
    .option('--reason <text>', 'why', 'retired by operator').option('--json', 'print as JSON')
    .action(function (this: Command, serial: string, opts: { reason: string; json?: boolean }) {
      const a = withDb(this, (db) => retireAdapter(db, serial, opts.reason));
      if (opts.json) return printJson(a);
      say(`adapter ${serial} retired`);
    });
  adapters.command('replace-socket <serial>').description('record a new socket receptacle: insertions restart at 0, history is kept')
    .option('--json', 'print as JSON')
    .action(function (this: Command, serial: string, opts: { json?: boolean }) {
      const r = withDb(this, (db) => replaceSocket(db, serial));
      if (opts.json) return printJson(r);
      say(`adapter ${serial}: socket replaced after ${r.insertionsBefore} insertions; count restarts at 0`);
    });
  adapters.command('price <serial> <amount>').description('record what adapter SERIAL cost (site currency; "none" clears it): the planner prices its wear at price / rated insertions')
    .option('--json', 'print as JSON')
    .action(function (this: Command, serial: string, amount: string, opts: { json?: boolean }) {
      const price = amount === 'none' ? null : /^\s*\d{1,9}(\.\d{1,6})?\s*$/.test(amount) ? Number(amount) : NaN;
      if (Number.isNaN(price)) throw new UsageError('bad-price', `price ${amount}: give a decimal amount such as 349.50, or none`);
      withDb(this, (db) => {
        getAdapter(db, serial);
        setAdapterPrice(db, serial, price);
      });
      if (opts.json) return printJson({ serial, price });
      say(price === null ? `adapter ${serial}: price cleared (its type's list price applies)` : `adapter ${serial}: price ${price}`);
    });

  adapters.command('override <serial>').description('allow adapter SERIAL past its rated life (recorded with the reason)')
    .requiredOption('--reason <text>', 'why the operator allows it').option('--by <name>', 'who allows it (default: $GANGFLASH_OPERATOR or the login name)').option('--json', 'print as JSON')
    .action(function (this: Command, serial: string, opts: { reason: string; by?: string; json?: boolean }) {
      const by = actor(opts.by);
      const a = withDb(this, (db) => overrideLife(db, serial, opts.reason, by));
      if (opts.json) return printJson(a);
      say(`adapter ${serial} allowed past its rated life (recorded)`);
    });
}
