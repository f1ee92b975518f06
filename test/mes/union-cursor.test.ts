import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.js';
import { openDb } from '../../src/db/open.js';
import { OutboxStore } from '../../src/store/outbox.js';
import { unionCursor, unitCursor, type UnitCursor } from '../../src/store/mes-units.js';

/** The insertion ids up to `max` a cursor counts as published. */
const published = (c: UnitCursor, max: number) => Array.from({ length: max }, (_, i) => i + 1).filter((id) => id <= c.through && !c.open.includes(id));

/** A cursor over ids 1..40: a through, and some ids at or below it still open. */
const cursor = fc.integer({ min: 0, max: 40 }).chain((through) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, through) }), { maxLength: 6 }).map((open) => ({ through, open: through === 0 ? [] : open.sort((a, b) => a - b) })),
);

describe('two MES publishers at once', () => {
  it('the joined cursor counts exactly what either publisher counted as published', () => {
    fc.assert(
      fc.property(cursor, cursor, (a, b) => {
        const u = unionCursor(a, b);
        const either = [...new Set([...published(a, 45), ...published(b, 45)])].sort((x, y) => x - y);
        expect(published(u, 45)).toEqual(either);
        expect(u.open.every((id) => id <= u.through)).toBe(true);
        expect(unionCursor(b, a)).toEqual(u);
      }),
    );
  });

  it("a publisher that finishes a smaller batch after another's larger one never moves the attempts cursor back", () => {
    const db = openDb(path.join(tmpDir('gangflash-mes-union-'), 'g.db'));
    try {
      const store = new OutboxStore(db);
      // Both read the cursor at 100; the run's publisher sent up to 200 with 180 still in its socket, then
      // `mes publish` finishes its batch up to 150, which had 120 open.
      store.markSent(null, { through: 200, open: [180] }, new Date().toISOString());
      store.markSent(null, { through: 150, open: [120] }, new Date().toISOString());
      expect(unitCursor(db)).toEqual({ through: 200, open: [180] });
      store.moveUnits({ through: 210, open: [180, 205] });
      store.moveUnits({ through: 200, open: [] }); // 180 finished and sent by the slower one
      expect(unitCursor(db)).toEqual({ through: 210, open: [205] });
    } finally {
      db.close();
    }
  });
});
