import { GangflashError, JobError } from '../errors.js';
import { readIntelHex } from '../images/ihex.js';
import { isData } from '../images/extent.js';
import type { SerialBytes } from './value.js';

/** What a generator's .dat file says: the current and next serial numbers, the bytes to write, and its warnings. */
export interface DatAnswer {
  current: string;
  next: string;
  writes: SerialBytes[];
  warnings: string[];
}

/** The generator refused to serialize (T05 message or T06 past the limit): the lot stops before the device. */
export class GeneratorStop extends JobError {}

/**
 * Parses a serialization .dat file of the Elnec PG4UW custom-generator protocol (PG4UW manual, "Serialization .dat
 * file format"): records `T01:<current>`, `T02:<next>`, `T03:<format>` (99 Intel HEX; 50 or 55 ASCII-space),
 * `T04:` then the data to the end of the file; `T05:<message>` stops with an error, `T06:` means past the last
 * serial number, `T11:<message>` is a warning.
 */
export async function parseDat(text: string, file: string): Promise<DatAnswer> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rec = new Map<string, string>();
  const warnings: string[] = [];
  let dataLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '') continue;
    const m = /^T(\d\d):(.*)$/.exec(l);
    if (!m) throw new JobError('serial-generator-output', `expected a record T01..T11 before T04:, found ${JSON.stringify(l.slice(0, 40))}`, { file, line: i + 1 });
    const [, t, v] = m;
    if (t === '05') throw new GeneratorStop('serial-generator-stop', `the serial generator stopped: ${v.trim() || '(no message)'}`, { file, line: i + 1 });
    if (t === '06') throw new GeneratorStop('serial-exhausted', 'the serial generator says the current serial number is past the last one (T06)', { file, line: i + 1 });
    if (t === '11') warnings.push(v.trim());
    else if (['01', '02', '03'].includes(t)) rec.set(t, v.trim());
    else if (t === '04') {
      dataLine = i + 1;
      break;
    } else throw new JobError('serial-generator-output', `record T${t} is not part of the protocol (T01–T06, T11)`, { file, line: i + 1 });
  }
  for (const t of ['01', '02', '03']) {
    if (!rec.get(t)) throw new JobError('serial-generator-output', `the .dat file has no T${t} record (T01 current, T02 next, T03 format and T04 are required)`, { file });
  }
  if (dataLine < 0) throw new JobError('serial-generator-output', 'the .dat file has no T04: record before its data', { file });
  const data = lines.slice(dataLine).join('\n');
  const format = rec.get('03')!;
  let writes: SerialBytes[];
  if (format === '99') writes = await intelHexWrites(data, file, dataLine);
  else if (format === '50' || format === '55') writes = asciiSpaceWrites(data, file, dataLine);
  else throw new JobError('serial-generator-output', `T03:${format} is not a data format gangflash reads (99 Intel HEX, 50/55 ASCII-space)`, { file });
  if (writes.length === 0) throw new JobError('serial-generator-output', 'the .dat file has no data after T04:', { file });
  return { current: rec.get('01')!, next: rec.get('02')!, writes, warnings };
}

/** The data records of an Intel HEX text as writes (gaps are left alone, not filled). */
async function intelHexWrites(text: string, file: string, lineBase: number): Promise<SerialBytes[]> {
  let given = false;
  const input = { next: async () => (given ? null : ((given = true), Buffer.from(text + '\n'))), close: async () => {} };
  const out: SerialBytes[] = [];
  try {
    for await (const e of readIntelHex(input, file, { fill: 0xff, chunkSize: 64 * 1024 })) {
      if (isData(e)) out.push({ offset: e.offset, bytes: Uint8Array.from(e.bytes) });
    }
  } catch (e) {
    if (e instanceof GangflashError) throw new JobError('serial-generator-output', `Intel HEX data after T04: ${e.message}`, { file, line: e.line === undefined ? undefined : e.line + lineBase });
    throw e;
  }
  return out;
}

/** ASCII-space data: `$A<hex>,` sets the address, two-digit hex bytes follow, STX/ETX and `$S…,` checksums are skipped. */
function asciiSpaceWrites(text: string, file: string, lineBase: number): SerialBytes[] {
  const out: SerialBytes[] = [];
  let addr = 0;
  let cur: number[] = [];
  const flush = () => {
    if (cur.length > 0) out.push({ offset: addr - cur.length, bytes: Uint8Array.from(cur) });
    cur = [];
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    for (const tok of lines[i].replace(/[\x02\x03]/g, ' ').split(/[\s]+/).filter((t) => t !== '')) {
      const a = /^\$A([0-9a-fA-F]{1,8})[,.]?$/.exec(tok);
      if (a) {
        flush();
        addr = parseInt(a[1], 16);
      } else if (/^\$S[0-9a-fA-F]{1,8}[,.]?$/.test(tok)) continue;
      else if (/^[0-9a-fA-F]{2}$/.test(tok)) {
        cur.push(parseInt(tok, 16));
        addr++;
      } else throw new JobError('serial-generator-output', `ASCII-space data: ${JSON.stringify(tok)} is neither $A<address>, nor a hex byte`, { file, line: i + 1 + lineBase });
    }
  }
  flush();
  return out;
}
