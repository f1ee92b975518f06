import os from 'node:os';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { lotsOfReel, moveReel } from '../../hub/store/reels.js';
import { withHub } from '../hub-context.js';
import { printJson, say } from '../output.js';

/** `gangflash reel move`: an operator moves a reel (the physical chips) from one station to another on the hub. */
export function register(program: Command): void {
  const reel = program.command('reel').description('reels on the hub: move one between stations');

  reel
    .command('move <reel>')
    .description('give a reel to another station: the old holder is fenced (epoch + 1), the new one continues after the last device the hub knows')
    .requiredOption('--to <station>', 'the station the reel goes to')
    .option('--lot <lot>', 'the lot of the reel (needed when two lots have a reel of that id)')
    .option('--by <name>', 'who moved it (recorded in the hub events)', os.userInfo().username)
    .option('--hub <url>', 'hub connection string (default: $GANGFLASH_HUB)')
    .option('--json', 'print the result as JSON')
    .action(async function (this: Command, id: string, opts: { to: string; lot?: string; by: string; json?: boolean }) {
      const moved = await withHub(this, async (hub) => {
        let lot = opts.lot;
        if (!lot) {
          const lots = await lotsOfReel(hub, id);
          if (lots.length === 0) throw new UsageError('reel-unknown', `no lot on the hub has a reel ${id}`);
          if (lots.length > 1) throw new UsageError('reel-ambiguous', `reel ${id} is in lots ${lots.join(', ')}: pass --lot`);
          lot = lots[0];
        }
        return moveReel(hub, lot, id, opts.to, opts.by);
      });
      if (opts.json) return printJson(moved);
      say(`reel ${moved.reel} of lot ${moved.lot} moved from ${moved.from ?? 'no station'} (epoch ${moved.fromEpoch}) to ${opts.to} (epoch ${moved.epoch}); ` +
        `${opts.to} continues at seq ${moved.startSeq}; uploads from ${moved.from ?? 'the old holder'} under epoch ${moved.fromEpoch} are now recorded as late`);
    });
}
