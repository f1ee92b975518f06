import { describe, expect, it } from 'vitest';
import { lotDevices } from '../../src/store/lot-devices.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC, fixture } from '../planning/fixtures.js';

const dir = tmpDir();

describe('lot device rows', () => {
  it('a second walk of a lot started while the first is still open reads every row too', () => {
    const f = fixture(dir).family('gang', ['emmc']).model('G', 'gang', 2).chip(EMMC);
    f.programmer('P', 'G', 2);
    f.lot('L', EMMC.part, { qty: 3 });
    for (let seq = 1; seq <= 3; seq++) {
      f.attempt({ lot: 'L', seq, programmer: 1, site: seq % 2, adapter: null, start: `2026-01-01T00:00:0${seq}.000Z`, durationSec: 1, result: seq === 2 ? 'fail' : 'pass' });
    }
    const outer = lotDevices(f.db, 'L');
    const first = outer.next().value;
    const inner = [...lotDevices(f.db, 'L')].map((d) => `${d.seq}:${d.result}`);
    const rest = [...outer].map((d) => `${d.seq}:${d.result}`);
    expect(first).toMatchObject({ lot: 'L', reel: 'R1', seq: 1, result: 'pass', attempts: 1, programmer: 'P', site: 1 });
    expect(inner).toEqual(['1:pass', '2:fail', '3:pass']);
    expect(rest).toEqual(['2:fail', '3:pass']);
    // Walked to the end, the statement is free again: the next walk uses it.
    expect([...lotDevices(f.db, 'L')]).toHaveLength(3);
  });
});
