import crypto from 'node:crypto';
import type { Db } from '../db/open.js';
import { LotImportError } from '../errors.js';
import { parseReels, type RowProblem } from './parse-reels.js';
import { readImportFile } from './read-import.js';

/** What an import did. */
export interface ImportResult {
  file: string;
  digest: string;
  /** True when this exact file was imported before: nothing was added. */
  alreadyImported: boolean;
  lotsAdded: string[];
  reelsAdded: number;
  /** Rows identical to reels already in the database. */
  reelsUnchanged: number;
  devicesPlanned: number;
}

interface JobRow {
  id: number;
  name: string;
  version: number;
  chip: string;
}

/** Resolves `NAME` (newest version) or `NAME@V` to a job row, or undefined. */
function findJob(db: Db, ref: string): JobRow | undefined {
  const m = /^(.*)@(\d+)$/.exec(ref);
  if (m) return db.prepare('SELECT id, name, version, chip FROM jobs WHERE name = ? AND version = ?').get(m[1], Number(m[2])) as JobRow | undefined;
  return db.prepare('SELECT id, name, version, chip FROM jobs WHERE name = ? ORDER BY version DESC LIMIT 1').get(ref) as JobRow | undefined;
}

/** Imports a reel file (CSV or JSON) as one transaction; a bad row rejects the whole file with every bad row named. */
export function importReels(db: Db, file: string): ImportResult {
  const text = readImportFile(file);
  const digest = crypto.createHash('sha256').update(text).digest('hex');
  const base: ImportResult = { file, digest, alreadyImported: false, lotsAdded: [], reelsAdded: 0, reelsUnchanged: 0, devicesPlanned: 0 };
  if (db.prepare('SELECT 1 FROM imports WHERE digest = ?').get(digest)) return { ...base, alreadyImported: true };

  const { rows, problems } = parseReels(text, file);
  const lotJob = new Map<string, { job: JobRow; row: number }>();
  const seen = new Map<string, number>();
  const toInsert: typeof rows = [];
  let unchanged = 0;
  const getLot = db.prepare('SELECT job_id FROM lots WHERE id = ?');
  const getReel = db.prepare('SELECT part, quantity, date_code FROM reels WHERE lot_id = ? AND reel_id = ?');
  const chipExists = db.prepare('SELECT 1 FROM chips WHERE part = ?');
  for (const r of rows) {
    const bad = (reason: string) => problems.push({ row: r.row, reason });
    const key = `${r.lot}\u0000${r.reel}`;
    if (seen.has(key)) {
      bad(`reel ${r.reel} of lot ${r.lot} appears twice (also row ${seen.get(key)})`);
      continue;
    }
    seen.set(key, r.row);
    const job = findJob(db, r.job);
    if (!job) {
      bad(`job "${r.job}" does not exist; create it with \`gangflash job create\` first`);
      continue;
    }
    if (!chipExists.get(r.part)) {
      bad(`part ${r.part} is not in the chip catalog`);
      continue;
    }
    if (job.chip !== r.part) {
      bad(`part ${r.part} does not match job ${job.name}@${job.version}, which programs ${job.chip}`);
      continue;
    }
    const first = lotJob.get(r.lot);
    if (first && first.job.id !== job.id) {
      bad(`lot ${r.lot} names job ${job.name}@${job.version} but row ${first.row} names ${first.job.name}@${first.job.version}; a lot has one job`);
      continue;
    }
    if (!first) lotJob.set(r.lot, { job, row: r.row });
    const existingLot = getLot.get(r.lot) as { job_id: number } | undefined;
    if (existingLot && existingLot.job_id !== job.id) {
      bad(`lot ${r.lot} already exists with another job (id ${existingLot.job_id})`);
      continue;
    }
    const reel = getReel.get(r.lot, r.reel) as { part: string; quantity: number; date_code: string } | undefined;
    if (reel) {
      if (reel.part === r.part && reel.quantity === r.quantity && reel.date_code === r.dateCode) unchanged++;
      else bad(`reel ${r.reel} of lot ${r.lot} already exists with part ${reel.part}, quantity ${reel.quantity}, date code ${reel.date_code}`);
      continue;
    }
    toInsert.push(r);
  }
  if (problems.length > 0) throw importRejected(file, problems);

  const insLot = db.prepare('INSERT OR IGNORE INTO lots (id, job_id, chip) VALUES (?, ?, ?)');
  const insReel = db.prepare('INSERT INTO reels (lot_id, reel_id, part, quantity, date_code) VALUES (?, ?, ?, ?, ?)');
  const lotsAdded: string[] = [];
  db.transaction(() => {
    for (const [lot, { job }] of lotJob) {
      if (insLot.run(lot, job.id, job.chip).changes > 0) lotsAdded.push(lot);
    }
    for (const r of toInsert) insReel.run(r.lot, r.reel, r.part, r.quantity, r.dateCode);
    db.prepare('INSERT INTO imports (digest, file, rows) VALUES (?, ?, ?)').run(digest, file, rows.length);
  })();
  return {
    ...base,
    lotsAdded,
    reelsAdded: toInsert.length,
    reelsUnchanged: unchanged,
    devicesPlanned: toInsert.reduce((n, r) => n + r.quantity, 0),
  };
}

/** The error for a rejected import: every bad row with its number and reason. */
function importRejected(file: string, problems: RowProblem[]): LotImportError {
  const sorted = [...problems].sort((a, b) => a.row - b.row);
  const lines = sorted.map((p) => `  row ${p.row}: ${p.reason}`).join('\n');
  const err = new LotImportError(
    'import-rejected',
    `${problems.length} bad row(s); nothing was imported. Fix these rows and import the file again:\n${lines}`,
    { file },
    sorted,
  );
  return err;
}
