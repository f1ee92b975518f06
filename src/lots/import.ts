import crypto from 'node:crypto';
import type { Db } from '../db/open.js';
import { LotImportError } from '../errors.js';
import { parseReels, type RowProblem } from './parse-reels.js';
import { readImportFile, SAVE_AS_UTF8 } from './read-import.js';
import { jobKey, type JobKey } from '../store/jobs.js';
import { lotJobId, reelRow, wasImported, writeImport } from '../store/lots.js';
import { chipExists } from '../store/catalog.js';

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

/** Resolves `NAME` (newest version) or `NAME@V` to a job, or undefined. */
function findJob(db: Db, ref: string): JobKey | undefined {
  const m = /^(.*)@(\d+)$/.exec(ref);
  return m ? jobKey(db, m[1], Number(m[2])) : jobKey(db, ref);
}

/** Imports a reel file (CSV or JSON) as one transaction; a bad row rejects the whole file with every bad row named. */
export function importReels(db: Db, file: string): ImportResult {
  const text = readImportFile(file);
  const digest = crypto.createHash('sha256').update(text).digest('hex');
  const base: ImportResult = { file, digest, alreadyImported: false, lotsAdded: [], reelsAdded: 0, reelsUnchanged: 0, devicesPlanned: 0 };
  if (wasImported(db, digest)) return { ...base, alreadyImported: true };

  const { rows, problems } = parseReels(text, file);
  const lotJob = new Map<string, { job: JobKey; row: number }>();
  const seen = new Map<string, number>();
  const toInsert: typeof rows = [];
  let unchanged = 0;
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
    if (!chipExists(db, r.part)) {
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
    const existingJob = lotJobId(db, r.lot);
    if (existingJob !== undefined && existingJob !== job.id) {
      bad(`lot ${r.lot} already exists with another job (id ${existingJob})`);
      continue;
    }
    const reel = reelRow(db, r.lot, r.reel);
    if (reel) {
      if (reel.part === r.part && reel.quantity === r.quantity && reel.dateCode === r.dateCode) unchanged++;
      else bad(`reel ${r.reel} of lot ${r.lot} already exists with part ${reel.part}, quantity ${reel.quantity}, date code ${reel.dateCode}`);
      continue;
    }
    toInsert.push(r);
  }
  if (problems.length > 0) throw importRejected(file, problems);

  const lotsAdded = writeImport(db, {
    lots: [...lotJob].map(([lot, { job }]) => ({ lot, jobId: job.id, chip: job.chip })),
    reels: toInsert.map((r) => ({ lot: r.lot, reel: r.reel, part: r.part, quantity: r.quantity, dateCode: r.dateCode })),
    digest,
    file,
    rows: rows.length,
  });
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
  // U+FFFD is what a byte that is not UTF-8 (Latin-1's é, Windows-1252's €) was read as: say why, on each such row.
  const hinted = (reason: string) => (reason.includes('\uFFFD') ? `${reason}; the file may not be UTF-8 (\uFFFD stands for a byte that is not): ${SAVE_AS_UTF8}` : reason);
  const sorted = problems.map((p) => ({ ...p, reason: hinted(p.reason) })).sort((a, b) => a.row - b.row);
  const lines = sorted.map((p) => `  row ${p.row}: ${p.reason}`).join('\n');
  const err = new LotImportError(
    'import-rejected',
    `${problems.length} bad row(s); nothing was imported. Fix these rows and import the file again:\n${lines}`,
    { file },
    sorted,
  );
  return err;
}
