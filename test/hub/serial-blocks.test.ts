import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/hub/connection.js';
import { blocksOfStation, claimSerialRange, leaseSerialBlock, putRule } from '../../src/hub/store/serial-blocks.js';
import { uploadBatch } from '../../src/hub/store/uploads.js';
import type { UploadedValue } from '../../src/records/station-wire.js';
import { freshDatabase, postgresAvailable } from './pg.js';
import { hubWithLot } from './fixture.js';

const up = await postgresAvailable('the hub serial block tests');

const value = (k: number, state: 'committed' | 'voided' = 'committed', v = `SN${String(k).padStart(6, '0')}`): UploadedValue => ({
  rule: 'SN-RULE', k, value: v, state, lot: 'LOT-H', reel: 'RE-01', seq: k + 1, attempt: 1, reason: state === 'voided' ? 'voided: failed after programming began' : null,
});

describe.skipIf(!up)('serial blocks: a rule hands out disjoint blocks of values, and the hub records each value once', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await hubWithLot(await freshDatabase('serials'), { stations: ['S1', 'S2', 'S3', 'S4'], ruleCapacity: 1000n });
  });
  afterAll(async () => hub?.close());

  it('forty blocks asked for at once by four stations never overlap and cover the indexes handed out without a gap', async () => {
    const asks = ['S1', 'S2', 'S3', 'S4'].flatMap((s) => Array.from({ length: 10 }, () => leaseSerialBlock(hub, 'SN-RULE', s, 'LOT-H', 20)));
    const blocks = (await Promise.all(asks)).map((b) => b!).sort((a, b) => a.firstK - b.firstK);
    expect(blocks).toHaveLength(40);
    blocks.forEach((b, i) => {
      expect(b.endK - b.firstK).toBe(20);
      expect(b.firstK).toBe(i * 20);
    });
  });

  it('a rule running dry gives a shorter last block, then none', async () => {
    const last = await leaseSerialBlock(hub, 'SN-RULE', 'S1', 'LOT-H', 500);
    expect(last).toMatchObject({ firstK: 800, endK: 1000 });
    expect(await leaseSerialBlock(hub, 'SN-RULE', 'S2', 'LOT-H', 1)).toBeNull();
  });

  it('the database itself refuses an overlapping block, whoever writes it', async () => {
    const err = await hub.pool.query(`INSERT INTO serial_blocks (rule_id, first_k, end_k, station) SELECT id, 5, 7, 'S1' FROM serial_rules WHERE name = 'SN-RULE'`).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe('23P01'); // exclusion_violation
  });

  it('a station records values only inside its own blocks, each value once, and a re-upload counts nothing twice', async () => {
    const s1 = (await blocksOfStation(hub, 'S1'))[0];
    const batch = { station: 'S1', attempts: [], devices: [], ledger: [value(s1.firstK), value(s1.firstK + 1, 'voided')] };
    expect((await uploadBatch(hub, batch)).ledger).toEqual({ added: 2, known: 0 });
    expect((await uploadBatch(hub, batch)).ledger).toEqual({ added: 0, known: 2 });
    const s2 = (await blocksOfStation(hub, 'S2'))[0];
    await expect(uploadBatch(hub, { station: 'S1', attempts: [], devices: [], ledger: [value(s2.firstK)] })).rejects.toMatchObject({ code: 'serial-outside-block' });
    await expect(uploadBatch(hub, { station: 'S1', attempts: [], devices: [], ledger: [value(s1.firstK + 2, 'committed', `SN${String(s1.firstK).padStart(6, '0')}`)] })).rejects.toMatchObject({ code: 'serial-repeated' });
    const n = (await hub.pool.query(`SELECT count(*)::int AS n FROM serial_ledger`)).rows[0].n;
    expect(n).toBe(2);
  });

  it('values a station issued before it joined the hub become its block, unless another station holds them', async () => {
    await putRule(hub, 'OLD-RULE', { name: 'OLD-RULE' }, 1000n);
    await leaseSerialBlock(hub, 'OLD-RULE', 'S1', null, 10);
    await expect(claimSerialRange(hub, 'OLD-RULE', 'S2', 0, 5)).rejects.toMatchObject({ code: 'serial-range-taken' });
    await putRule(hub, 'NEW-RULE', { name: 'NEW-RULE' }, 1000n);
    await claimSerialRange(hub, 'NEW-RULE', 'S2', 0, 42);
    expect(await leaseSerialBlock(hub, 'NEW-RULE', 'S3', null, 8)).toMatchObject({ firstK: 42, endK: 50 });
  });

  it('a rule is defined once: the same definition again is accepted, another one under its name refused', async () => {
    const spec = { name: 'SN-RULE', fields: [{ name: 'sn', format: 'SN{n:06}' }] };
    await expect(putRule(hub, 'SN-RULE', spec, 1000n)).resolves.toBeGreaterThan(0);
    await expect(putRule(hub, 'SN-RULE', { ...spec, fields: [] }, 1000n)).rejects.toMatchObject({ code: 'rule-differs' });
  });
});
