import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDat } from '../../src/serials/dat-file.js';
import { parseListFile } from '../../src/serials/list-file.js';
import { compileRule, parseRuleSpec } from '../../src/serials/rule.js';
import { root } from '../helpers/cli.js';

const doc = fs.readFileSync(path.join(root, 'docs/serials.md'), 'utf8');
const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));

describe('docs/serials.md examples', () => {
  it('every rule file in the page is a valid rule', () => {
    const rules = blocks.filter((b) => b.lang === 'json').map((b) => parseRuleSpec(JSON.parse(b.text)));
    expect(rules.map((r) => r.name)).toEqual(['board-ids', 'customer-sn']);
    const fields = compileRule(rules[0], () => [{ label: 'unit-0001', line: 1, writes: [{ offset: 0x7ff000, bytes: Uint8Array.of(1) }] }]);
    expect(fields.kind === 'computed' && fields.valueAt(0n).value).toBe('GF-2026-000001');
  });

  it('the list file example parses into its two records', () => {
    const list = blocks.find((b) => b.text.includes('[unit-0001]'))!;
    expect(parseListFile(list.text, 'docs').map((r) => [r.label, r.writes.length])).toEqual([['unit-0001', 1], ['unit-0002', 2]]);
  });

  it('the worked .dat example (its annotations removed) gives SN000005 and CR LF at 0x04000000', async () => {
    const dat = blocks.find((b) => b.text.includes('T01:'))!.text.split('\n').map((l) => l.trim().replace(/\s{2,}.*$/, '')).join('\n');
    const a = await parseDat(dat, 'docs');
    expect(a).toMatchObject({ current: '000005', next: '000006' });
    expect(a.writes.map((w) => [w.offset, Buffer.from(w.bytes).toString('latin1')])).toEqual([[0x04000000, 'SN000005\r\n']]);
  });
});
