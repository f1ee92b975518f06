import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { ImageFormat } from '../../images/extent.js';
import { inspectImage, type ImageInspection } from '../../images/inspect.js';
import { printJson, say, table } from '../output.js';
import { withDb } from '../context.js';
import { addImageCopy } from '../../jobs/image-copies.js';

const FORMATS: ImageFormat[] = ['raw', 'ihex', 'srec', 'sparse'];

/** Parses a byte value given as hex (0xFF) or decimal (255). */
function parseByte(text: string): number {
  const v = /^0x[0-9a-f]{1,2}$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(v >= 0 && v <= 255)) throw new UsageError('bad-fill', `--fill ${text} is not a byte value (0–255 or 0x00–0xFF)`);
  return v;
}

/** Default --max-size of `image inspect`: 64 GiB, above the largest chip in the catalog (a 64 GB eMMC, 62.5e9 bytes user area). */
export const INSPECT_MAX_BYTES = 64 * 2 ** 30;

/** Parses a byte count: decimal digits with an optional binary suffix K, M, G or T (e.g. 8G). */
function parseSize(text: string): number {
  const m = /^\s*(\d{1,15})\s*([KMGT]?)(i?B)?\s*$/i.exec(text);
  const n = m ? Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()) : NaN;
  if (!(n >= 1 && Number.isSafeInteger(n))) throw new UsageError('bad-number', `--max-size ${text}: give a size in bytes, e.g. 8G or 4194304`);
  return n;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function printHuman(r: ImageInspection): void {
  const rate = r.seconds > 0 ? `${(r.size / 2 ** 20 / r.seconds).toFixed(0)} MiB/s` : '-';
  say(`image    ${r.path}`);
  say(`format   ${r.format}${r.gzip ? ' (gzip-compressed)' : ''}`);
  say(`size     ${r.size} bytes (${mib(r.size)}) expanded`);
  say(`sha256   ${r.sha256}`);
  say(`crc32    ${r.crc32}`);
  say(`blank    ${pct(r.blankShare)} (${r.blankUnits} of ${r.units} units of 64 KiB are all 0xFF)`);
  say(`fill     ${pct(r.fillShare)} (${r.fillUnits} of ${r.units} units lie wholly in fill or don't-care regions)`);
  say(`time     ${r.seconds.toFixed(3)} s (${rate})`);
  say();
  const rows = [
    { kind: 'data', ...r.extents.data },
    { kind: 'fill', ...r.extents.fill },
    { kind: "don't care", ...r.extents.dontCare },
  ];
  say(
    table(rows, [
      { header: 'extents', get: (x) => x.kind },
      { header: 'count', get: (x) => x.count, align: 'right' },
      { header: 'bytes', get: (x) => x.bytes, align: 'right' },
    ]),
  );
}

/** Registers `gangflash image inspect|add`. */
export function register(program: Command): void {
  const image = program.command('image').description('image files: raw, Intel HEX, S-record, Android sparse, optionally gzip-compressed');
  image
    .command('inspect')
    .description('read an image once: format, expanded size, SHA-256, CRC-32, blank and fill shares, extents')
    .argument('<file>', 'image file')
    .option('--json', 'print one JSON document')
    .option('--fill <byte>', 'value of gaps between HEX/S-record records (0xFF, 255)', '0xFF')
    .option('--format <format>', `read as this format instead of detecting it (${FORMATS.join(', ')})`)
    .option('--max-size <bytes>', 'refuse an image that expands past this, e.g. 8G (default 64G: above the largest chip in the catalog)')
    .action(async (file: string, opts: { json?: boolean; fill: string; format?: string; maxSize?: string }) => {
      if (opts.format !== undefined && !FORMATS.includes(opts.format as ImageFormat)) {
        throw new UsageError('bad-format', `--format ${opts.format} is not one of ${FORMATS.join(', ')}`);
      }
      const maxBytes = opts.maxSize === undefined ? INSPECT_MAX_BYTES : parseSize(opts.maxSize);
      const r = await inspectImage(file, { fill: parseByte(opts.fill), format: opts.format as ImageFormat | undefined, maxBytes });
      if (opts.json) printJson(r);
      else printHuman(r);
    });
  image
    .command('add')
    .description("register FILE as this station's copy of an image: jobs pinning its SHA-256 find it here (a job imported or an image moved)")
    .argument('<file>', 'image file')
    .option('--fill <byte>', 'value of gaps between HEX/S-record records, as in the job (0xFF, 255)', '0xFF')
    .option('--json', 'print as JSON')
    .action(async function (this: Command, file: string, opts: { fill: string; json?: boolean }) {
      const pin = await withDb(this, (db) => addImageCopy(db, file, parseByte(opts.fill)));
      if (opts.json) return printJson(pin);
      say(`image ${pin.path} registered: SHA-256 ${pin.sha256} (${pin.format}${pin.gzip ? ', gzip' : ''}, ${pin.size} bytes)`);
    });
}
