import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Chip, ChipKind } from '../../catalog/chip.js';
import { chipKinds } from '../../catalog/chip.js';
import { getChip, listChips } from '../../catalog/chips.js';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';

/** Human size: 128 MiB, 7.28 GiB, 64 KiB. */
export function sizeText(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${Number.isInteger(v) ? v : v.toFixed(2)} ${units[i]}`;
}

const body = (c: Chip) => `${c.bodyWmm}x${c.bodyLmm}`;

/** `gangflash chips [TEXT]` and `gangflash chip show PART`. */
export function register(program: Command): void {
  program
    .command('chips [text]')
    .description('list catalog chips whose part number or vendor contains TEXT')
    .option('--kind <kind>', `only this kind (${chipKinds.join(', ')})`)
    .option('--package <pkg>', 'only this package, e.g. BGA153')
    .option('--json', 'print as JSON')
    .action(function (this: Command, text: string | undefined, opts: { kind?: string; package?: string; json?: boolean }) {
      if (opts.kind && !(chipKinds as readonly string[]).includes(opts.kind))
        throw new UsageError('bad-kind', `--kind ${opts.kind}: use one of ${chipKinds.join(', ')}`);
      const chips = withDb(this, (db) => listChips(db, { text, kind: opts.kind as ChipKind | undefined, package: opts.package }));
      if (opts.json) return printJson(chips);
      if (chips.length === 0) return say('no chip matches; try a shorter TEXT or drop --kind/--package');
      say(table(chips, [
        { header: 'part', get: (c) => c.part },
        { header: 'vendor', get: (c) => c.vendor },
        { header: 'kind', get: (c) => c.kind },
        { header: 'package', get: (c) => c.package },
        { header: 'body mm', get: body },
        { header: 'pitch', get: (c) => c.pitchMm, align: 'right' },
        { header: 'capacity', get: (c) => sizeText(c.capacityBytes), align: 'right' },
        { header: 'id', get: (c) => c.idBytes },
      ]));
      say(`${chips.length} chip(s)`);
    });

  const chip = program.command('chip').description('one catalog chip');
  chip
    .command('show <part>')
    .description('every catalog fact of PART and the adapter types that fit it')
    .option('--json', 'print as JSON')
    .action(async function (this: Command, part: string, opts: { json?: boolean }) {
      // Loaded here, not with the file: `gangflash chips` does not read the adapter catalog.
      const { fittingAdapterTypes } = await import('../../catalog/compat.js');
      const { c, fits } = withDb(this, (db) => {
        const c = getChip(db, part);
        return { c, fits: fittingAdapterTypes(db, c).map((t) => t.id) };
      });
      if (opts.json) return printJson({ ...c, adapterTypes: fits });
      say(`${c.part}  ${c.vendor}  ${c.kind}`);
      say(`  package     ${c.package} ${body(c)} mm, pitch ${c.pitchMm} mm`);
      say(`  capacity    ${sizeText(c.capacityBytes)} (${c.capacityBytes} bytes)`);
      say(`  id bytes    ${c.idBytes}`);
      for (const [k, v] of Object.entries(c.geometry)) say(`  ${k.padEnd(11)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
      for (const [k, v] of Object.entries(c.timings)) say(`  ${k.padEnd(11)} ${v}`);
      say(`  defectRate  ${c.defectRate} (planning assumption)`);
      say(`  source      ${c.source}`);
      say(`  adapters    ${fits.length ? fits.join(', ') : 'none in the catalog fits this part'}`);
    });
}
