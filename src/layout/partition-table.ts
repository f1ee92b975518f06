import type { NandPartition } from './target.js';
import { LayoutError } from '../errors.js';

const FIELDS = ['name', 'startBlock', 'blocks', 'imageOffset', 'imageLength'] as const;

/** A whole number from JSON: a number, or a decimal / 0x-hex string. */
function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Parses a NAND partition table (JSON: `[{name, startBlock, blocks, imageOffset, imageLength}, …]`, numbers as JSON
 * numbers or decimal/0x-hex strings). Errors name the file and the entry. Geometry checks are `prepareNand`'s.
 */
export function parsePartitionTable(text: string, file: string): NandPartition[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LayoutError('partition-table-json', `not valid JSON (${(e as Error).message}); a partition table is a JSON array of {name, startBlock, blocks, imageOffset, imageLength}`, { file });
  }
  if (!Array.isArray(doc)) {
    throw new LayoutError('partition-table-shape', 'a partition table is a JSON array of {name, startBlock, blocks, imageOffset, imageLength}', { file });
  }
  if (doc.length === 0) throw new LayoutError('partition-table-empty', 'the partition table lists no partitions', { file });
  return doc.map((entry: unknown, i): NandPartition => {
    const at = `entry ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new LayoutError('partition-table-shape', `${at} is not an object {name, startBlock, blocks, imageOffset, imageLength}`, { file });
    }
    const o = entry as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !(FIELDS as readonly string[]).includes(k));
    if (extra.length > 0) throw new LayoutError('partition-table-field', `${at} has unknown field(s) ${extra.join(', ')}; allowed: ${FIELDS.join(', ')}`, { file });
    if (typeof o.name !== 'string' || o.name.trim() === '') {
      throw new LayoutError('partition-table-field', `${at}: name must be a non-empty string`, { file });
    }
    const label = `${at} "${o.name}"`;
    const num = (k: 'startBlock' | 'blocks' | 'imageOffset' | 'imageLength'): number => {
      if (o[k] === undefined) throw new LayoutError('partition-table-field', `${label}: ${k} is missing`, { file });
      const n = wholeNumber(o[k]);
      if (n === undefined) throw new LayoutError('partition-table-field', `${label}: ${k} must be a whole number ≥ 0, got ${JSON.stringify(o[k])}`, { file });
      return n;
    };
    return { name: o.name, startBlock: num('startBlock'), blocks: num('blocks'), imageOffset: num('imageOffset'), imageLength: num('imageLength') };
  });
}
