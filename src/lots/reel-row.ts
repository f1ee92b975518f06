import { z } from 'zod';
import { decimalInt, QUANTITY } from '../strict-number.js';

/** One reel as a script hands it to `lot import`. */
export interface ReelRow {
  lot: string;
  reel: string;
  part: string;
  quantity: number;
  dateCode: string;
  job: string;
}

const id = z
  .string()
  .trim()
  .min(1, 'is empty')
  .max(64, 'is longer than 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'may hold only letters, digits and . _ : / -');

/** The schema of one reel row; field names accept snake_case and a few common ERP spellings. */
export const reelRowSchema = z.object({
  lot: id,
  reel: id,
  part: z.string().trim().min(1, 'is empty'),
  // Strict: decimal digits (or a JSON whole number) from 1 to 10,000,000; never 1e3, 0x10, true or [7].
  quantity: z.unknown().transform((v, ctx) => {
    const n = decimalInt(v, QUANTITY);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `is not a whole decimal number from 1 to 10,000,000 (got ${JSON.stringify(v) ?? String(v)})` });
      return z.NEVER;
    }
    return n;
  }),
  dateCode: z
    .string()
    .trim()
    .regex(/^\d{4}$|^\d{2}\d{2}[A-Z]?$|^\d{4}-\d{2}-\d{2}$/, 'is not a date code (YYWW, e.g. 2447, or YYYY-MM-DD)'),
  job: z.string().trim().min(1, 'is empty'),
});

const aliases: Record<string, keyof ReelRow> = {
  lot: 'lot',
  lot_id: 'lot',
  lotid: 'lot',
  reel: 'reel',
  reel_id: 'reel',
  reelid: 'reel',
  part: 'part',
  part_number: 'part',
  partnumber: 'part',
  pn: 'part',
  quantity: 'quantity',
  qty: 'quantity',
  date_code: 'dateCode',
  datecode: 'dateCode',
  dc: 'dateCode',
  job: 'job',
  job_name: 'job',
};

/** The ReelRow field a column or key name means (snake_case, ERP spellings), or undefined. */
export function fieldOf(k: string): keyof ReelRow | undefined {
  const key = k.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return Object.hasOwn(aliases, key) ? aliases[key] : undefined;
}

/** Maps a raw record's keys onto ReelRow field names; unknown keys, and fields given twice (qty and quantity), are returned separately. */
export function normalizeKeys(raw: Record<string, unknown>): { row: Record<string, unknown>; unknown: string[]; twice: string[] } {
  const row: Record<string, unknown> = {};
  const unknown: string[] = [];
  const twice: string[] = [];
  const from: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = fieldOf(k);
    if (!name) unknown.push(k);
    else if (Object.hasOwn(from, name)) twice.push(`"${k}" and "${from[name]}" both give ${name}`);
    else {
      from[name] = k;
      row[name] = typeof v === 'number' && name !== 'quantity' ? String(v) : v;
    }
  }
  return { row, unknown, twice };
}
