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

describe("a device row's serial", () => {
  it('says written, reused after a retry, or voided (ledger values in issue order, and the pre-ledger table), with the fields it wrote', () => {
    const f = fixture(dir, 'serials.db').family('gang', ['emmc']).model('G', 'gang', 2).chip(EMMC);
    f.programmer('P', 'G', 2);
    f.lot('L', EMMC.part, { qty: 5 });
    const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
    // 1: passed with S1; 2: failed early with S2 and passed a retry with the same S2; 3: failed for good after
    // programming began, twice (S3a, S3b voided); 4: failed for good on a lot from before the ledger (S4 void);
    // 5: passed with a value the ledger committed with two fields.
    f.attempt({ lot: 'L', seq: 1, programmer: 1, site: 0, adapter: null, start: at(1), durationSec: 1, result: 'pass', serial: 'S1' });
    f.attempt({ lot: 'L', seq: 2, programmer: 1, site: 0, adapter: null, start: at(2), durationSec: 1, result: 'fail', code: 'bad-contact', serial: 'S2', final: false });
    f.attempt({ lot: 'L', seq: 2, attempt: 2, programmer: 1, site: 1, adapter: null, start: at(3), durationSec: 1, result: 'pass', serial: 'S2' });
    f.attempt({ lot: 'L', seq: 3, programmer: 1, site: 0, adapter: null, start: at(4), durationSec: 1, result: 'fail', code: 'program-failed', serial: 'S3a', final: false });
    f.attempt({ lot: 'L', seq: 3, attempt: 2, programmer: 1, site: 1, adapter: null, start: at(5), durationSec: 1, result: 'fail', code: 'program-failed' });
    f.attempt({ lot: 'L', seq: 4, programmer: 1, site: 0, adapter: null, start: at(6), durationSec: 1, result: 'fail', code: 'verify-mismatch' });
    f.attempt({ lot: 'L', seq: 5, programmer: 1, site: 1, adapter: null, start: at(7), durationSec: 1, result: 'pass', serial: 'S5' });
    f.db.prepare("INSERT INTO serial_rules (id, name, spec) VALUES (1, 'r', '{}')").run();
    const ledger = f.db.prepare('INSERT INTO serial_ledger (rule_id, k, value, data, state, lot_id, reel_id, seq) VALUES (1, ?, ?, ?, ?, ?, ?, ?)');
    ledger.run(0, 'S3a', '[]', 'voided', 'L', 'R1', 3);
    ledger.run(1, 'S3b', '[]', 'voided', 'L', 'R1', 3);
    ledger.run(2, 'S5', JSON.stringify([{ name: 'serial', text: 'S5' }, { name: 'mac', text: '02:00:00:00:00:05' }]), 'committed', 'L', 'R1', 5);
    f.db.prepare("INSERT INTO serials (lot_id, serial, n, reel_id, seq, state) VALUES ('L', 'S4', 4, 'R1', 4, 'void')").run();
    const rows = [...lotDevices(f.db, 'L')].map((d) => ({ seq: d.seq, attempts: d.attempts, site: d.site, serialState: d.serialState, voided: d.voidedSerials, fields: d.serialFields, first: d.firstStartedAt }));
    expect(rows).toEqual([
      { seq: 1, attempts: 1, site: 0, serialState: 'used', voided: null, fields: null, first: at(1) },
      { seq: 2, attempts: 2, site: 1, serialState: 'reused-after-retry', voided: null, fields: null, first: at(2) },
      { seq: 3, attempts: 2, site: 1, serialState: 'voided', voided: 'S3a,S3b', fields: null, first: at(4) },
      { seq: 4, attempts: 1, site: 0, serialState: 'voided', voided: 'S4', fields: null, first: at(6) },
      { seq: 5, attempts: 1, site: 1, serialState: 'used', voided: null, fields: 'serial=S5;mac=02:00:00:00:00:05', first: at(7) },
    ]);
  });
});
