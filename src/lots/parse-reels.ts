import { parse } from 'csv-parse/sync';
import { LotImportError } from '../errors.js';
import { fieldOf, normalizeKeys, reelRowSchema, type ReelRow } from './reel-row.js';
import { SAVE_AS_UTF8 } from './read-import.js';

/** One bad row of an import file: its row number (CSV: line number; JSON: 1-based index) and what is wrong. */
export interface RowProblem {
  row: number;
  reason: string;
}

/** Rows parsed from a reel file, with every problem found (the import is refused when any exists). */
export interface ParsedReels {
  rows: (ReelRow & { row: number })[];
  problems: RowProblem[];
}

/** Parses a reel file's text (CSV with a header line, or JSON: an array or `{reels: [...]}`) into checked rows. */
export function parseReels(text: string, file: string): ParsedReels {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a byte-order mark, as Excel writes it, for JSON as for CSV
  const isJson = /^\s*[[{]/.test(body) || /\.json$/i.test(file); // a .json file holding `null` or `42` is bad JSON, not a CSV header
  const records: { row: number; raw: unknown }[] = isJson ? jsonRecords(body, file) : csvRecords(body, file);
  const rows: ParsedReels['rows'] = [];
  const problems: RowProblem[] = [];
  for (const { row, raw } of records) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ row, reason: 'is not an object with lot, reel, part, quantity, date_code, job' });
      continue;
    }
    const { row: named, unknown, twice } = normalizeKeys(raw as Record<string, unknown>);
    const r = reelRowSchema.safeParse(named);
    const reasons = [...unknown.map((k) => `unknown field "${k}"`), ...twice];
    if (!r.success) reasons.push(...r.error.issues.map((i) => `${i.path.join('.') || 'row'} ${i.message}${asRead(named, i)}`));
    if (reasons.length > 0) problems.push({ row, reason: reasons.join('; ') });
    else if (r.success) rows.push({ ...r.data, row });
  }
  if (records.length === 0) throw new LotImportError('import-empty', 'the file holds no reel rows; expected a header line and one row per reel', { file });
  return { rows, problems };
}

/** ` (got "VALUE")` for an issue on a text field, so the user sees what was read; '' when the message says it already. */
function asRead(row: Record<string, unknown>, issue: { path: PropertyKey[]; message: string }): string {
  const v = issue.path.length === 1 ? row[issue.path[0] as string] : undefined;
  if (typeof v !== 'string' || v.trim() === '' || issue.message.includes('(got ')) return '';
  const t = v.trim();
  return ` (got ${JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t)})`;
}

/** The CSV column each reel field is written as. */
const COLUMN: Record<keyof ReelRow, string> = { lot: 'lot', reel: 'reel', part: 'part', quantity: 'quantity', dateCode: 'date_code', job: 'job' };

/**
 * csv-parse's header callback: the header's problems are reported once, for the whole file, never once per row: a
 * file separated by another character than the comma, a column named twice (or two spellings of one field), an unknown
 * column, a missing column.
 */
function uniqueColumns(file: string): (header: string[]) => string[] {
  return (header) => {
    const fail = (msg: string) => new LotImportError('import-csv', msg, { file, line: 1 });
    if (header.length === 1) {
      const sep = [';', '\t', '|'].find((c) => header[0].includes(c));
      if (sep) {
        const name = sep === '\t' ? 'a tab' : `'${sep}'`;
        throw fail(`the separator is ${name}, not a comma (the header reads "${header[0].slice(0, 60)}"); save the file as comma-separated CSV (or export it with ',' as list separator) and import it again`);
      }
    }
    const unknown = header.filter((h) => fieldOf(h) === undefined);
    if (unknown.length > 0) {
      const notUtf8 = unknown.some((u) => u.includes('\uFFFD')) ? `; the file may not be UTF-8 (\uFFFD stands for a byte that is not): ${SAVE_AS_UTF8}` : '';
      throw fail(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; the columns are ${Object.values(COLUMN).join(', ')} (common ERP spellings such as qty, pn or dc are accepted)${notUtf8}`);
    }
    const given = new Set(header.map((h) => fieldOf(h)));
    const missing = (Object.keys(COLUMN) as (keyof ReelRow)[]).filter((f) => !given.has(f)).map((f) => COLUMN[f]);
    if (missing.length > 0) throw fail(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the header must name ${Object.values(COLUMN).join(', ')}`);
    const seen = new Map<string, string>();
    for (const h of header) {
      const key = fieldOf(h) ?? h.trim().toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        throw new LotImportError('import-csv', `the header names column "${h}" twice${first !== h ? ` (also as "${first}")` : ''}; keep one and import the file again`, { file, line: 1 });
      }
      seen.set(key, h);
    }
    return header;
  };
}

function csvRecords(text: string, file: string): { row: number; raw: unknown }[] {
  try {
    const out: { row: number; raw: unknown }[] = [];
    const recs = parse(text, { columns: uniqueColumns(file), skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: false }) as {
      record: Record<string, string>;
      info: { lines: number };
    }[];
    for (const r of recs) out.push({ row: r.info.lines, raw: r.record });
    return out;
  } catch (e) {
    if (e instanceof LotImportError) throw e;
    const err = e as Error & { lines?: number };
    throw new LotImportError('import-csv', `not valid CSV: ${err.message}; fix the file and import it again`, { file, line: err.lines });
  }
}

function jsonRecords(text: string, file: string): { row: number; raw: unknown }[] {
  let doc: unknown;
  try {
    // A number written other than as decimal digits (1e3, 12.0, 1e309) is kept as its text, so the row is refused
    // with what the file says, like the same value in a CSV, never read as 1000, 12 or Infinity.
    doc = JSON.parse(text, (_k, v: unknown, ctx?: { source?: string }) => (typeof v === 'number' && ctx?.source !== undefined && !/^-?\d+$/.test(ctx.source) ? ctx.source : v));
  } catch (e) {
    throw new LotImportError('import-json', `not valid JSON: ${(e as Error).message}`, { file });
  }
  const list = Array.isArray(doc) ? doc : (doc as { reels?: unknown })?.reels;
  if (!Array.isArray(list)) throw new LotImportError('import-json', 'expected an array of reels or an object {"reels": [...]}', { file });
  return list.map((raw, i) => ({ row: i + 1, raw }));
}
