import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { openDb } from '../../src/db/open.js';
import { OutboxStore } from '../../src/store/outbox.js';
import { root } from '../helpers/cli.js';

/** An envelope as a receiver got it. */
export type Envelope = { MessageName: string; UniqueID: string; MessageBody: Record<string, unknown> } & Record<string, unknown>;

/** A validator per CFX message name, compiled from docs/cfx/*.schema.json. */
export function cfxValidators(): Map<string, (e: unknown) => string | null> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const dir = path.join(root, 'docs/cfx');
  const out = new Map<string, (e: unknown) => string | null>();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.schema.json'))) {
    const v = ajv.compile(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as object);
    out.set(f.replace(/\.schema\.json$/, ''), (e) => (v(e) ? null : ajv.errorsText(v.errors)));
  }
  return out;
}

/** Runs that ended by themselves (and wrote their WorkCompleted). */
const ENDED = `ended_at IS NOT NULL AND end_reason NOT IN ('lease-lost', 'error') AND end_reason NOT LIKE 'not closed%'`;

/** Messages the database's records call for: one per finished attempt, failed or serialized device, alarm, run, reel, passing fault. */
export function expectedFromDb(dbFile: string, lot = 'LOT-1') {
  const db = openDb(dbFile, { create: false });
  try {
    const n = (sql: string) => db.prepare(sql).pluck().get(lot) as number;
    return {
      'CFX.Production.Processing.UnitsProcessed': n(`SELECT count(*) FROM attempts WHERE lot_id = ? AND result IN ('pass', 'fail')`),
      'CFX.Production.UnitsDisqualified': n(`SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'fail'`),
      'CFX.Production.Assembly.UnitsPersonalized': n(`SELECT count(*) FROM devices WHERE lot_id = ? AND result = 'pass' AND serial IS NOT NULL`),
      'CFX.ResourcePerformance.FaultOccurred': n(`SELECT count(*) FROM events WHERE lot_id = ? AND kind = 'alarm'`),
      'CFX.Production.WorkStarted': n(`SELECT count(*) FROM runs WHERE lot_id = ?`),
      'CFX.Materials.Management.MaterialsConsumed': n(`SELECT count(*) FROM reels WHERE lot_id = ?`),
      // Each reel is unloaded once its last device is done (the tests' lots finish every reel).
      'CFX.Materials.Storage.MaterialsUnloaded': n(`SELECT count(*) FROM reels WHERE lot_id = ?`),
      'CFX.ResourcePerformance.StationOnline': n(`SELECT count(*) FROM runs WHERE lot_id = ?`),
      // A run that ended by itself goes offline; so does a killed one that published, when the next run (or `mes
      // status`, `mes publish`) closes it as 'not closed: …'; not one stopped by a lost lease or an error.
      'CFX.ResourcePerformance.StationOffline': n(`SELECT count(*) FROM runs WHERE lot_id = ? AND (${ENDED} OR (end_reason LIKE 'not closed%' AND id IN (SELECT run_id FROM mes_runs)))`),
      // Only a run that ended by itself reports its adapters' counters.
      'CFX.Maintenance.ResourceMaintenanceAndServiceEvent': n(`SELECT count(*) FROM runs WHERE lot_id = ? AND ${ENDED}`),
      // Passing faults clear when their run ends (a killed run's when it is found killed); a disabled site or a worn
      // adapter stays open.
      'CFX.ResourcePerformance.FaultCleared': n(`SELECT count(*) FROM events WHERE lot_id = ? AND kind = 'alarm' AND code NOT IN ('site-disabled', 'adapter-life')`),
      // Messages waiting: the outbox's and the unit messages of insertions not yet published.
      outbox: new OutboxStore(db).pendingCount(),
    };
  } finally {
    db.close();
  }
}

/** Envelopes counted by MessageName, after dropping exact duplicates (same UniqueID, same bytes). */
export function countDistinct(envs: Envelope[]): { counts: Record<string, number>; conflicting: string[]; distinct: Envelope[] } {
  const byId = new Map<string, string>();
  const conflicting: string[] = [];
  const distinct: Envelope[] = [];
  for (const e of envs) {
    const text = JSON.stringify(e);
    const seen = byId.get(e.UniqueID);
    if (seen === undefined) {
      byId.set(e.UniqueID, text);
      distinct.push(e);
    } else if (seen !== text) conflicting.push(e.UniqueID);
  }
  const counts: Record<string, number> = {};
  for (const e of distinct) counts[e.MessageName] = (counts[e.MessageName] ?? 0) + 1;
  return { counts, conflicting, distinct };
}

/** Schema errors of the envelopes (empty when every one validates). */
export function schemaErrors(envs: Envelope[]): string[] {
  const v = cfxValidators();
  const out: string[] = [];
  for (const e of envs) {
    const check = v.get(e.MessageName);
    const err = check ? check(e) : `no schema for ${e.MessageName}`;
    if (err) out.push(`${e.MessageName} ${e.UniqueID}: ${err}`);
  }
  return out.slice(0, 10);
}
