import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { openDb } from '../../src/db/open.js';
import { OutboxStore } from '../../src/store/outbox.js';
import { SentTail } from '../../src/mes/sent-tail.js';

describe('mes tail --follow', () => {
  it('prints an insertion the publisher passed while it was still in its socket once it is published, and only then', async () => {
    const dir = tmpDir('gangflash-mes-tail-');
    const { dbFile } = await lotFixture({ dir, devices: 12, programmers: 1, sites: 4, imageBytes: 4096 });
    expect(runCli(['--db', dbFile, 'mes', 'set', '--handle', 'Acme.Line3.Prog-07', '--folder', path.join(dir, 'cfx')]).code).toBe(0);
    const run = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json']);
    expect(run.code, run.stderr).toBe(0);

    const db = openDb(dbFile, { create: false });
    try {
      // One UnitsProcessed per finished insertion (a retried device has two).
      const ids = db.prepare(`SELECT id FROM attempts WHERE result IN ('pass', 'fail') ORDER BY id`).pluck().all() as number[];
      const finished = ids.length;
      expect(finished).toBeGreaterThanOrEqual(12);
      const held = ids[5];
      // The publisher's cursor as it stands when it passed `held` in its socket and published everything around it.
      const cursor = db.prepare(`UPDATE mes_publish_state SET units_through = ?, units_open = ? WHERE id = 1`);
      cursor.run(ids.at(-1), JSON.stringify([held]));
      const store = new OutboxStore(db);
      const tail = new SentTail(db, store, 'Acme.Line3.Prog-07', null, 1000);
      const unitsOf = (texts: string[]) => texts.map((t) => JSON.parse(t) as { MessageName: string; MessageBody: { Units?: { UnitIdentifier: string }[] } }).filter((e) => e.MessageName === 'CFX.Production.Processing.UnitsProcessed');
      const first = unitsOf(tail.next());
      expect(first).toHaveLength(finished - 1);
      expect(unitsOf(tail.next())).toEqual([]); // nothing published since
      cursor.run(ids.at(-1), '[]'); // the publisher sends `held` after it left its socket
      const later = unitsOf(tail.next());
      expect(later).toHaveLength(1);
      expect(first.some((e) => JSON.stringify(e) === JSON.stringify(later[0]))).toBe(false);
      expect(unitsOf(tail.next())).toEqual([]); // printed once
    } finally {
      db.close();
    }
  });
});
