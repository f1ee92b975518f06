import type { Command } from 'commander';
import { migrateHub } from '../../hub/migrations.js';
import { putCatalog } from '../../hub/store/production.js';
import { redact } from '../../hub/url.js';
import { readCatalogs } from '../../catalog/read-files.js';
import { defaultCatalogPaths } from '../../catalog/load.js';
import { withHub } from '../hub-context.js';
import { printJson, say } from '../output.js';
import { withDb } from '../context.js';
import { prepareLotJob } from '../../scheduler/lot-job.js';
import { lotReels } from '../../lots/counters.js';
import { actor } from '../../jobs/release.js';
import { publishLot } from '../../station/publish.js';

/** `gangflash hub init`: the factory's shared PostgreSQL hub. */
export function register(program: Command): void {
  const hub = program.command('hub').description('the factory hub (PostgreSQL) that several stations work through');

  hub
    .command('init')
    .description('create or migrate the hub schema (numbered migrations; a newer hub is refused) and load the catalog snapshot')
    .option('--hub <url>', 'hub connection string postgres://USER@HOST/DATABASE (default: $GANGFLASH_HUB)')
    .option('--json', 'print the result as JSON')
    .action(async function (this: Command, opts: { json?: boolean }) {
      const r = await withHub(
        this,
        async (h) => {
          const schema = await migrateHub(h);
          const data = readCatalogs(defaultCatalogPaths);
          const catalog = await putCatalog(h, data.chips, data.adapterTypes);
          return { hub: redact(h.url), schema, catalog };
        },
        { checkSchema: false },
      );
      if (opts.json) return printJson(r);
      const change = r.schema.from === r.schema.to ? `schema ${r.schema.to} (up to date)` : `schema ${r.schema.from} → ${r.schema.to}`;
      say(`hub ${r.hub}: ${change}; catalog snapshot: ${r.catalog.chips} chip(s), ${r.catalog.adapterTypes} adapter type(s)`);
    });

  hub
    .command('publish')
    .description('put a lot of this station on the hub: its released job (manifest + image SHA-256), serial rule and reels')
    .requiredOption('--lot <lot>', 'the lot to publish')
    .option('--hub <url>', 'hub connection string (default: $GANGFLASH_HUB)')
    .option('--json', 'print the result as JSON')
    .action(async function (this: Command, opts: { lot: string; json?: boolean }) {
      const r = await withDb(this, async (db) => {
        const lj = await prepareLotJob(db, opts.lot);
        const reels = lotReels(db, opts.lot);
        return withHub(this, (h) => publishLot(h, opts.lot, lj, reels, actor(undefined)));
      });
      if (opts.json) return printJson(r);
      say(`lot ${r.lot} is on the hub: job ${r.job} (image SHA-256 ${r.imageSha256.slice(0, 12)}…)${r.serialRule ? `, serial rule ${r.serialRule}` : ''}, ${r.reels} reel(s), ${r.devices} device(s)`);
    });
}
