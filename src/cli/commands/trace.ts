import type { Command } from 'commander';
import { withDb } from '../context.js';
import { printJson, say } from '../output.js';
import { printTracedDevice, valueLine } from '../trace-output.js';
import { hubTrace } from '../hub-trace.js';
import { UsageError } from '../../errors.js';
import { traceDevice, traceSerial } from '../../report/trace.js';

/** `gangflash trace SERIAL | --device LOT:REEL:SEQ`. */
export function register(program: Command): void {
  program
    .command('trace [serial]')
    .description("a serial value's or a device's whole history: lot, reel, chip, job, image, every insertion, every value it held")
    .option('--device <LOT:REEL:SEQ>', 'trace one device by its position instead of a serial value')
    .option('--hub [url]', "every station's uploads on the hub instead of this station's journal (default: $GANGFLASH_HUB)")
    .option('--json', 'print as JSON (schema: docs/trace.schema.json; with --hub: also each device\'s station, epoch, late and conflict)')
    .action(async function (this: Command, serial: string | undefined, o: { device?: string; hub?: string | boolean; json?: boolean }) {
      if ((serial === undefined) === (o.device === undefined)) throw new UsageError('trace-usage', 'give a serial value or --device LOT:REEL:SEQ (one of them)');
      const r = o.hub
        ? await hubTrace(this, o.device !== undefined ? { device: o.device } : { serial })
        : withDb(this, (db) => (o.device !== undefined ? traceDevice(db, o.device) : traceSerial(db, serial!)));
      if (o.json) return printJson(r);
      for (const d of r.devices) printTracedDevice(d);
      for (const v of r.unheld) say(`not held by any device now: ${valueLine(v)}`);
    });
}
