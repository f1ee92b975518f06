import path from 'node:path';
import type { Command } from 'commander';
import { loadSiteSettings } from '../../planning/site-settings.js';
import { intOption } from '../../strict-number.js';
import { dbPath } from '../context.js';
import { say } from '../output.js';
import { hubFlag } from '../hub-context.js';
import { redact, resolveHubUrl } from '../../hub/url.js';

/** `gangflash serve`: the read-only web dashboard (farm, lots, adapters, forecasts, live during a run). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('read-only web dashboard: farm (live during a run), lots, adapter inventory and forecasts, plans')
    .option('--port <p>', 'TCP port', '7070')
    .option('--host <h>', 'address to bind; anything but loopback requires --token', '127.0.0.1')
    .option('--token <t>', 'token every request must carry (Authorization: Bearer T or ?token=T)')
    .option('--poll-ms <ms>', 'milliseconds between polls of the database for live updates', '1000')
    .option('--settings <file>', 'site settings JSON the plan form\'s offline-vs-in-system comparison prices with')
    .option('--hub [url]', "every station's farm, lots, adapters and events from the hub, live (default: $GANGFLASH_HUB); catalog and plans stay this station's")
    .action(async function (this: Command, opts: { port: string; host: string; token?: string; pollMs: string; settings?: string; hub?: string | boolean }) {
      const port = intOption('--port', opts.port, { min: 0, max: 65535 });
      const pollMs = intOption('--poll-ms', opts.pollMs, { min: 50, max: 3_600_000 });
      const settings = opts.settings ? { doc: loadSiteSettings(path.resolve(opts.settings)), file: opts.settings } : undefined;
      const { startDashboard } = await import('../../serve/server.js'); // fastify loads only for `serve`
      const hubUrl = opts.hub ? resolveHubUrl(hubFlag(this)) : undefined;
      const d = await startDashboard({ dbFile: dbPath(this), host: opts.host, port, token: opts.token, pollMs, settings, hubUrl });
      say(`gangflash dashboard on ${d.url}${opts.token ? '?token=…' : ''} (read-only${hubUrl ? `, every station on the hub ${redact(hubUrl)}` : ''}; Ctrl-C stops it)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void d.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
