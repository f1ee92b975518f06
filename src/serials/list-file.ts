import { JobError } from '../errors.js';
import type { SerialBytes } from './value.js';

/** One record of a list file: its label and the bytes it puts at one or two addresses. */
export interface ListRecord {
  label: string;
  line: number;
  writes: SerialBytes[];
}

/** Largest list file read (a million records of 80 bytes fit with room). */
export const MAX_LIST_BYTES = 256 * 1024 * 1024;

const HEX = /^[0-9a-fA-F]{1,2}$/;

/**
 * Parses a serial list in the layout of Elnec PG4UW's "Classic From-file serialization" (PG4UW manual, section
 * "Classic From-file serialization file format"): `[label] ADDR b0 b1 … [, ADDR2 c0 c1 …]`, addresses and bytes in
 * hex, addresses of 1–4 bytes, 1–64 bytes an array and at most 80 in a line, `;` starts a comment, labels are unique
 * without regard to case and may hold any character but brackets.
 */
export function parseListFile(text: string, file: string): ListRecord[] {
  const out: ListRecord[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const fail = (msg: string) => new JobError('serial-list-syntax', `${msg}; expected [label] ADDR b0 b1 … (hex), see docs/serials.md`, { file, line });
    const body = lines[i].replace(/;.*$/, '').trim();
    if (body === '') continue;
    const m = /^\[([^[\]]+)\]\s*(.*)$/.exec(body);
    if (!m) throw fail(body.startsWith('[') ? 'the label is not closed with ]' : 'the line does not start with a [label]');
    const label = m[1].trim();
    if (label === '') throw fail('the label is empty');
    const key = label.toLowerCase();
    const before = seen.get(key);
    if (before !== undefined) throw fail(`label [${label}] was already used on line ${before} (labels ignore case)`);
    seen.set(key, line);
    const parts = m[2].split(',');
    if (parts.length > 2) throw fail('a line holds at most two address parts separated by one comma');
    const writes: SerialBytes[] = [];
    let total = 0;
    for (const part of parts) {
      const tokens = part.trim().split(/\s+/).filter((t) => t !== '');
      if (tokens.length === 0) throw fail('an address part is empty');
      if (!/^[0-9a-fA-F]{1,8}$/.test(tokens[0])) throw fail(`address ${JSON.stringify(tokens[0])} is not 1 to 4 bytes of hex`);
      const data = tokens.slice(1);
      if (data.length < 1 || data.length > 64) throw fail(`an address part holds ${data.length} bytes; 1 to 64 are allowed`);
      const bytes = new Uint8Array(data.length);
      for (let j = 0; j < data.length; j++) {
        if (!HEX.test(data[j])) throw fail(`byte ${JSON.stringify(data[j])} is not one or two hex digits`);
        bytes[j] = parseInt(data[j], 16);
      }
      total += bytes.length;
      writes.push({ offset: parseInt(tokens[0], 16), bytes });
    }
    if (total > 80) throw fail(`the line holds ${total} bytes; at most 80 are allowed in one line`);
    out.push({ label, line, writes });
  }
  if (out.length === 0) throw new JobError('serial-list-empty', 'the list file holds no records', { file });
  return out;
}
