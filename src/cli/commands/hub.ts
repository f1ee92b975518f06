import type { Command } from 'commander';
import { migrateHub } from '../../hub/migrations.js';
import { putCatalog } from '../../hub/store/production.js';
import { redact } from '../../hub/url.js';
import { readCatalogs, defaultCatalogPaths } from '../../catalog/index.js';
import { withHub } from '../hub-context.js';
import { printJson, say } from '../output.js';

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
}
