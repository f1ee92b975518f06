import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvChunks } from '../../src/report/csv.js';
import { DEVICE_COLUMNS, type DeviceRow } from '../../src/report/device-rows.js';
import { lotHtmlChunks } from '../../src/report/html.js';
import { lotJsonChunks } from '../../src/report/json.js';
import { buildLotReport } from '../../src/report/lot-report.js';
import { writeChunks } from '../../src/report/write-chunks.js';
import { lotDevices } from '../../src/store/lot-devices.js';
import { tmpDir } from '../helpers/tmp.js';
import { EMMC, fixture } from '../planning/fixtures.js';

const dir = tmpDir();
const N = 20_000;

/** A lot of N devices on 2 programmers × 4 sites, one attempt each, every 50th failing, written as the recorder would. */
function bigLot() {
  const f = fixture(dir).family('gang', ['emmc']).model('G4', 'gang', 4).chip(EMMC);
  const p = [f.programmer('P-A', 'G4', 4), f.programmer('P-B', 'G4', 4)];
  f.lot('BIG', EMMC.part, { qty: N });
  f.attempt({ lot: 'BIG', seq: 1, programmer: p[0], site: 0, adapter: null, start: '2026-03-01T00:00:00.000Z', durationSec: 1, result: 'pass', serial: 'S1' });
  f.attempt({ lot: 'BIG', seq: 2, programmer: p[1], site: 0, adapter: null, start: '2026-03-01T00:00:00.100Z', durationSec: 1, result: 'pass', serial: 'S2' });
  f.db.exec(`
    WITH RECURSIVE n(seq) AS (SELECT 3 UNION ALL SELECT seq + 1 FROM n WHERE seq < ${N})
    INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, failure_code, stage, serial, lease_epoch)
    SELECT 'BIG', 'R1', seq, 1, ${p[0]} + seq % 2, seq % 4, NULL, strftime('%Y-%m-%dT%H:%M:%fZ', '2026-03-01', '+' || (seq * 0.1) || ' seconds'),
           strftime('%Y-%m-%dT%H:%M:%fZ', '2026-03-01', '+' || (seq * 0.1 + 1) || ' seconds'),
           CASE WHEN seq % 50 = 0 THEN 'fail' ELSE 'pass' END, CASE WHEN seq % 50 = 0 THEN 'verify-mismatch' END,
           CASE WHEN seq % 50 = 0 THEN 'verify' END, CASE WHEN seq % 50 <> 0 THEN 'S' || seq END, 1 FROM n;
    INSERT INTO devices (lot_id, reel_id, seq, result, failure_code, serial, finished_at)
    SELECT lot_id, reel_id, seq, result, failure_code, serial, ended_at FROM attempts WHERE lot_id = 'BIG' AND seq > 2;`);
  return f.db;
}

const db = bigLot();
const FORMATS = {
  html: (rows: Iterable<DeviceRow>) => lotHtmlChunks(buildLotReport(db, 'BIG'), rows),
  json: (rows: Iterable<DeviceRow>) => lotJsonChunks(buildLotReport(db, 'BIG'), rows),
  csv: (rows: Iterable<DeviceRow>) => csvChunks(rows, DEVICE_COLUMNS),
};

describe('a lot report streams its device rows', () => {
  it("the report's summary and charts come from aggregates and hold none of the 20,000 device rows", () => {
    const r = buildLotReport(db, 'BIG');
    expect(r.deviceCount).toBe(N);
    expect(r.summary).toMatchObject({ passed: N - N / 50, failed: N / 50, attempts: N });
    expect(r.timeline.reduce((s, p) => s + p.passed + p.failed, 0)).toBe(N);
    expect(JSON.stringify(r).length).toBeLessThan(20_000);
  });

  it.each(Object.keys(FORMATS) as (keyof typeof FORMATS)[])(
    '--format %s reads rows from the store walk only as fast as a stalled output takes them, then writes every one',
    async (format) => {
      let pulled = 0;
      const rows = (function* () {
        for (const r of lotDevices(db, 'BIG')) {
          pulled++;
          yield r;
        }
      })();
      // An output that accepts nothing until released: the writer must stop and wait for 'drain'.
      let stalled = true;
      const held: (() => void)[] = [];
      const text: string[] = [];
      const out = new Writable({
        highWaterMark: 64 * 1024,
        write(chunk: Buffer, _enc, cb) {
          text.push(chunk.toString());
          if (stalled) held.push(cb);
          else cb();
        },
      });
      const done = writeChunks(out, FORMATS[format](rows));
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(out.writableNeedDrain).toBe(true);
      expect(pulled).toBeGreaterThan(0);
      expect(pulled).toBeLessThanOrEqual(1_000);
      stalled = false;
      for (const cb of held.splice(0)) cb();
      await done;
      expect(pulled).toBe(N);
      const all = text.join('');
      if (format === 'json') expect((JSON.parse(all) as { devices: unknown[] }).devices).toHaveLength(N);
      else expect(all.match(format === 'html' ? /<tr class="/g : /\r\nBIG,/g)?.length).toBe(N);
    },
  );

  it('an output that fails part-way stops the walk: the writer rejects with its error and reads no more rows', async () => {
    let pulled = 0;
    const rows = (function* () {
      for (const r of lotDevices(db, 'BIG')) {
        pulled++;
        yield r;
      }
    })();
    let writes = 0;
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk, _enc, cb) {
        cb(++writes === 3 ? Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }) : undefined);
      },
    });
    await expect(writeChunks(out, FORMATS.csv(rows))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(pulled).toBeLessThan(1_000);
    // The walk was closed with the writer: the store's statement is free for the next report.
    expect([...lotDevices(db, 'BIG')]).toHaveLength(N);
  });
});
