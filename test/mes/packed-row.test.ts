import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertionFields } from './insertion-arbitrary.js';
import { openDb } from '../../src/db/open.js';
import { wireOf } from '../../src/mes/envelope.js';
import { FileSink } from '../../src/mes/file-sink.js';
import { CFX, unitsPersonalized, unitsProcessed } from '../../src/mes/messages.js';
import { PACKED, PackedReader, PackedRow } from '../../src/mes/packed-row.js';
import { Publisher } from '../../src/mes/publisher.js';
import { OutboxStore, type OutboxRow } from '../../src/store/outbox.js';
import { tmpDir } from '../helpers/tmp.js';
import { schemaErrors, type Envelope } from './cfx-check.js';

const run = { transactionId: 'bc6a0c1e-8a43-4c55-9d0e-3c1f2f6f1a10', recipe: 'fw-emmc v3', imageSha256: 'a'.repeat(64) };

describe('packed outbox rows', () => {
  it('read back, a packed row gives byte for byte the messages one row per message held, each at its own TimeStamp, the same on every read', () => {
    fc.assert(
      fc.property(
        fc.record({
          ...insertionFields,
        }),
        fc.array(fc.record({ name: fc.string(), text: fc.string() }), { maxLength: 4 }),
        fc.uuid(),
        fc.uuid(),
        fc.integer({ min: -5000, max: 60_000 }),
        (u, fields, id1, id2, later) => {
          const t0 = Date.parse('2026-11-27T02:53:37.081Z');
          const at = (ms: number) => new Date(ms).toISOString();
          const row = new PackedRow(7);
          row.processed(id1, at(t0), t0, u);
          row.personalized(id2, at(t0 + later), t0 + later, u.unit, u.site, fields);
          row.full(CFX.unitsDisqualified, 'd-1', at(t0 + later), t0 + later, JSON.stringify({ TransactionId: run.transactionId, Comments: u.stage }));
          const stored: OutboxRow = { id: 3, uniqueId: row.first, messageName: PACKED, timeStamp: row.timeStamp, lotId: 'LOT-1', body: row.text() };
          const reader = new PackedReader((id) => (id === 7 ? run : undefined));
          const got = reader.messages(stored);
          expect(stored.timeStamp).toBe(at(t0));
          expect(got).toEqual([
            { messageName: CFX.unitsProcessed, uniqueId: id1, timeStamp: at(t0), body: JSON.stringify(unitsProcessed({ ...run, ...u })) },
            { messageName: CFX.unitsPersonalized, uniqueId: id2, timeStamp: at(t0 + later), body: JSON.stringify(unitsPersonalized(run.transactionId, u.unit, u.site, fields)) },
            { messageName: CFX.unitsDisqualified, uniqueId: 'd-1', timeStamp: at(t0 + later), body: JSON.stringify({ TransactionId: run.transactionId, Comments: u.stage }) },
          ]);
          expect(new PackedReader((id) => (id === 7 ? run : undefined)).messages(stored)).toEqual(got);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rows written one per message before migration 010 still publish, unchanged, after the database migrates', async () => {
    const dir = tmpDir('gangflash-mes-old-rows-');
    const file = path.join(dir, 'gangflash.db');
    openDb(file).close();
    // The database as schema 9 left it, with rows as the writer of that schema wrote them (one message each).
    const raw = new Database(file);
    raw.exec('DROP TABLE mes_runs; ALTER TABLE mes_publish_state DROP COLUMN units_through; ALTER TABLE mes_publish_state DROP COLUMN units_open');
    raw.pragma('user_version = 9');
    const old = [
      { uniqueId: '11111111-1111-4111-8111-111111111111', messageName: CFX.stationOnline, body: JSON.stringify({ OfflineDuration: 'PT0S' }) },
      { uniqueId: '22222222-2222-4222-8222-222222222222', messageName: CFX.unitsProcessed, body: JSON.stringify(unitsProcessed({ ...run, unit: 'SN1', programmer: 'sim-1', site: 3, adapter: 'AD-1', attempt: 1, durationSeconds: 1.5, badBlocks: 0, failureCode: null, stage: null })) },
      { uniqueId: '33333333-3333-4333-8333-333333333333', messageName: CFX.unitsPersonalized, body: JSON.stringify(unitsPersonalized(run.transactionId, 'SN1', 3, [{ name: 'SerialNumber', text: 'SN1' }])) },
    ];
    const ins = raw.prepare(`INSERT INTO mes_outbox (unique_id, message_name, time_stamp, lot_id, body) VALUES (?, ?, '2026-11-27T02:53:37.081Z', 'LOT-1', ?)`);
    for (const o of old) ins.run(o.uniqueId, o.messageName, o.body);
    raw.close();

    const db = openDb(file, { create: false });
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(10);
    const store = new OutboxStore(db);
    const folder = path.join(dir, 'cfx');
    store.setConfig({ enabled: true, sink: 'file', broker: null, address: null, folder, handle: 'Acme.Line3.Prog-07', target: null });
    expect(store.pendingCount()).toBe(3);
    const p = new Publisher(db, store.config()!, new FileSink(folder));
    expect(await p.step()).toBe(3);
    expect(store.pendingCount()).toBe(0);
    db.close();
    const lines = fs.readdirSync(folder).flatMap((f) => fs.readFileSync(path.join(folder, f), 'utf8').split('\n').filter(Boolean));
    expect(lines).toEqual(old.map((o) => wireOf({ ...o, timeStamp: '2026-11-27T02:53:37.081Z' }, 'Acme.Line3.Prog-07', null).text));
    expect(schemaErrors(lines.map((l) => JSON.parse(l) as Envelope))).toEqual([]);
  });
});
