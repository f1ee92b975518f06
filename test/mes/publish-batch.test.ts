import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeBatch } from '../../src/mes/publish-batch.js';
import { PackedReader } from '../../src/mes/packed-row.js';
import { unitUniqueId } from '../../src/mes/unit-messages.js';
import type { MesUnitRow, UnitCursor } from '../../src/store/mes-units.js';
import type { OutboxRow } from '../../src/store/outbox.js';

const TX = '6f1c2a9e-3b4d-4e5f-8a6b-7c8d9e0f1a2b';
const reader = () => new PackedReader(() => ({ transactionId: TX, recipe: 'job v1', imageSha256: 'ab'.repeat(32) }));
const at = (ms: number) => new Date(Date.UTC(2026, 10, 27) + ms).toISOString();

/** An attempts row as the store reads it: started at `id` ms (rows are made as devices enter their sockets), finished at `end` ms (null: still in its socket). */
function attempt(id: number, end: number | null, final = false): MesUnitRow {
  return {
    id, result: end === null ? 'in-socket' : 'pass', lot: 'LOT-1', reel: 'R1', seq: id, attempt: 1, site: id % 8, startedAt: at(id), endedAt: end === null ? null : at(end),
    failureCode: null, stage: null, badBlocks: 0, serial: `SN${id}`, programmer: 'sim-1', adapter: null, mesRun: 1, final: final ? 1 : 0, serialData: null,
  };
}

/** An outbox row of one message at `ms`. */
function row(id: number, ms: number): OutboxRow {
  return { id, uniqueId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`, messageName: 'CFX.ResourcePerformance.FaultOccurred', timeStamp: at(ms), lotId: 'LOT-1', body: '{}' };
}

describe('the publisher batch', () => {
  it("an insertion's UniqueIDs are version-8 UUIDs, the same on every read, different for each attempt and kind", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (tx, a, b) => {
        const ids = [0, 1, 2].flatMap((k) => [unitUniqueId(tx, a, k), unitUniqueId(tx, b, k)]);
        for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(unitUniqueId(tx, a, 1)).toBe(unitUniqueId(tx, a, 1));
        expect(new Set(ids).size).toBe(a === b ? 3 : 6);
      }),
      { numRuns: 300 },
    );
  });

  it('drained in small batches while insertions finish out of order, every message goes out exactly once and a message later than an insertion never goes before it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ took: fc.integer({ min: 0, max: 60 }), finishesAtStep: fc.integer({ min: 0, max: 6 }) }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 15 }),
        fc.integer({ min: 1, max: 7 }),
        (units, outboxTimes, limit) => {
          const rows = [...outboxTimes].sort((a, b) => a - b).map((ms, i) => row(i + 1, ms));
          let sent = 0;
          let cursor: UnitCursor = { through: 0, open: [] };
          const out: { id: string; ms: number }[] = [];
          const r = reader();
          for (let step = 0; step < 200; step++) {
            const now = (id: number) => attempt(id, units[id - 1].finishesAtStep <= step ? id + units[id - 1].took : null);
            const pending = rows.filter((x) => x.id > sent).slice(0, limit);
            const fresh = units.map((_, i) => i + 1).filter((id) => id > cursor.through).slice(0, limit).map(now);
            const b = mergeBatch({ rows: pending, rowsFull: pending.length >= limit, cursor, open: cursor.open.map(now), fresh, freshFull: fresh.length >= limit }, r);
            for (const m of b.messages) out.push({ id: m.uniqueId, ms: Date.parse(m.timeStamp) });
            if (b.sentThrough !== null) sent = b.sentThrough;
            cursor = b.units;
            if (sent === rows.length && cursor.through === units.length && cursor.open.length === 0) break;
          }
          // Nothing lost, nothing twice (no send failed here).
          const expected = [...rows.map((x) => x.uniqueId), ...units.map((_, i) => unitUniqueId(TX, i + 1, 0))];
          expect(out.map((m) => m.id).sort()).toEqual(expected.sort());
          // An outbox message goes out only after every insertion that finished before it and was already recorded
          // (every one here: the rows exist from the start) — a reel's MaterialsConsumed after its devices.
          for (const [i, m] of out.entries()) {
            if (!m.id.startsWith('00000000')) continue;
            const later = out.slice(i + 1).filter((u) => !u.id.startsWith('00000000'));
            for (const u of later) {
              const unit = units[Number.parseInt(u.id.slice(-12), 16) - 1];
              expect(unit).toBeDefined();
              // An insertion that was still in its socket when the message went out may follow it.
              if (unit.finishesAtStep === 0) expect(u.ms).toBeGreaterThan(m.ms);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
