import type { Command } from 'commander';
import { discover, type DiscoveryResult } from '../../usb-discovery/discover.js';
import { catalogUsbModels, registerDiscovered, type RegisteredDevice as Row } from '../../usb-discovery/register.js';
import { UDEV_HOWTO } from '../../usb-discovery/udev.js';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';

/** Prints a discovery for a person. */
function printHuman(r: DiscoveryResult, rows: Row[]): void {
  if (!r.usbAvailable) {
    say(`USB is not available: ${r.reason}`);
    say('No programmers can be discovered here. On a Linux bench PC, give your user access to the programmers:');
  } else if (rows.length === 0) {
    say('No USB programmer of a known model is connected.');
    say('If one is plugged in but not listed, it may lack permission; the udev rules are:');
  } else {
    say(table(rows, [
      { header: 'model', get: (x) => x.model },
      { header: 'driver', get: (x) => x.driver },
      { header: 'vid:pid', get: (x) => `${x.vid}:${x.pid}` },
      { header: 'serial', get: (x) => x.serial ?? `(none, #${x.index})` },
      { header: 'location', get: (x) => x.location },
      { header: 'programmer', get: (x) => x.programmer ?? '-' },
      { header: 'registered', get: (x) => x.registered },
    ]));
    if (rows.some((x) => x.registered === 'no')) say('\nRun again with --register to add the unregistered ones as programmers.');
    return;
  }
  say('');
  for (const rule of r.udevRules) say(`  ${rule}`);
  for (const line of UDEV_HOWTO) say(line);
}

/** `gangflash farm discover`. */
export function register(program: Command): void {
  const farm = program.command('farm').description('the farm of programmers: find USB programmers attached to this PC');
  farm.command('discover')
    .description('list attached USB programmers whose VID:PID match a catalog model (says plainly when USB is unavailable)')
    .option('--register', 'add the devices that are not registered yet as programmers')
    .option('--json', 'print as JSON')
    .action(async function (this: Command, o: { register?: boolean; json?: boolean }) {
      await withDb(this, async (db) => {
        const r = await discover(catalogUsbModels(db));
        const rows = registerDiscovered(db, r.devices, o.register === true);
        if (o.json) printJson({ usbAvailable: r.usbAvailable, ...(r.reason ? { reason: r.reason } : {}), devices: rows, udevRules: r.udevRules });
        else printHuman(r, rows);
      });
    });
}
