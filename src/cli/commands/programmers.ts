import type { Command } from 'commander';
import { FarmError, UsageError } from '../../errors.js';
import { intOption } from '../../strict-number.js';
import { checkSpec, jsonPath } from '../../programmers/registry.js';
import { addProgrammer, listProgrammers, removeProgrammer, type Programmer } from '../../inventory/programmers.js';
import { inventory } from '../../inventory/inventory.js';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';

/** Parses --options JSON into an object. */
function parseOptions(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError('bad-options', `--options is not valid JSON (${(e as Error).message})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError('bad-options', '--options must be a JSON object, e.g. {"seed":1}');
  return v as Record<string, unknown>;
}

/** `gangflash programmers add|list|remove`. */
export function register(program: Command): void {
  const programmers = program.command('programmers').description('programmers of the farm: add, list, remove');

  programmers.command('add').description('register a programmer and its sites (numbered from 0)')
    .requiredOption('--name <name>', 'unique operator-facing name, e.g. sim-1')
    .requiredOption('--driver <driver>', 'sim | blockdev | ch341a | nando (must match the model)')
    .requiredOption('--model <model>', 'a programmer model from chipdb/programmers.json')
    .requiredOption('--serial <serial>', 'hardware serial number')
    .requiredOption('--sites <k>', 'number of sites')
    .option('--options <json>', 'driver options as a JSON object')
    .option('--json', 'print as JSON')
    .action(function (this: Command, o: { name: string; driver: string; model: string; serial: string; sites: string; options?: string; json?: boolean }) {
      const sites = intOption('--sites', o.sites, { min: 1, max: 64 });
      const spec = { name: o.name, driver: o.driver, model: o.model, serial: o.serial, sites, options: parseOptions(o.options) };
      const { issues } = checkSpec(spec);
      if (issues.length) throw new FarmError('bad-programmer-spec', `programmer "${o.name}" (${o.driver}): ${issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ')}`);
      const p = withDb(this, (db) => addProgrammer(db, spec));
      if (o.json) return printJson(p);
      say(`programmer ${p.name} (${p.model}, ${p.sites} sites) added`);
    });

  programmers.command('list').description('registered programmers with their sites and mounted adapters')
    .option('--json', 'print as JSON')
    .action(function (this: Command, o: { json?: boolean }) {
      const { list, inv } = withDb(this, (db) => ({ list: listProgrammers(db), inv: inventory(db) }));
      if (o.json) return printJson(inv.programmers.map((p) => ({ ...p, options: list.find((x) => x.id === p.id)?.options ?? {} })));
      if (list.length === 0) return say('no programmers yet; add one with `gangflash programmers add`');
      say(table(list, [
        { header: 'name', get: (p: Programmer) => p.name },
        { header: 'driver', get: (p) => p.driver },
        { header: 'model', get: (p) => p.model },
        { header: 'serial', get: (p) => p.serial },
        { header: 'sites', get: (p) => p.sites, align: 'right' },
        { header: 'enabled', get: (p) => inv.programmers.find((x) => x.id === p.id)?.sites.filter((s) => s.enabled).length, align: 'right' },
        { header: 'adapters', get: (p) => [...new Set(inv.programmers.find((x) => x.id === p.id)?.sites.map((s) => s.adapter).filter(Boolean))].join(', ') },
      ]));
    });

  programmers.command('remove <name>').description('remove a programmer (refused while adapters are mounted unless --unmount)')
    .option('--unmount', 'move its adapters to the shelf first')
    .option('--json', 'print as JSON')
    .action(function (this: Command, name: string, o: { unmount?: boolean; json?: boolean }) {
      const r = withDb(this, (db) => removeProgrammer(db, name, { unmount: o.unmount }));
      if (o.json) return printJson({ removed: name, ...r });
      say(`programmer ${name} removed${r.unmounted.length ? `; adapters to the shelf: ${r.unmounted.join(', ')}` : ''}`);
    });
}
