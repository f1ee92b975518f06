import { z } from 'zod';

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
  quantity: z.coerce
    .number({ message: 'is not a number' })
    .int('is not a whole number')
    .positive('must be at least 1')
    .max(10_000_000, 'is more than 10,000,000'),
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

/** Maps a raw record's keys onto ReelRow field names; unknown keys are returned separately. */
export function normalizeKeys(raw: Record<string, unknown>): { row: Record<string, unknown>; unknown: string[] } {
  const row: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const key = k.trim().toLowerCase().replace(/[\s-]+/g, '_');
    const name = Object.hasOwn(aliases, key) ? aliases[key] : undefined;
    if (name) row[name] = typeof v === 'number' ? String(v) : v;
    else unknown.push(k);
  }
  return { row, unknown };
}
