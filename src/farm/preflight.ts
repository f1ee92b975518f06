import { listBackups } from '../db/backup.js';
import { FarmError } from '../errors.js';
import { preflightSpec, type ProtectedFile } from '../programmers/registry.js';
import type { ProgrammerSpec } from '../programmers/spec.js';

/** gangflash's own files for a database: the database, its WAL, shared-memory and journal files, its backups, and the pinned images. */
export function gangflashFiles(dbFile: string, images: string[]): ProtectedFile[] {
  return [
    { path: dbFile, what: 'the gangflash database' },
    { path: `${dbFile}-wal`, what: "the gangflash database's WAL file" },
    { path: `${dbFile}-shm`, what: "the gangflash database's shared-memory file" },
    { path: `${dbFile}-journal`, what: "the gangflash database's journal" },
    ...listBackups(dbFile).map((b) => ({ path: b, what: 'a backup of the gangflash database' })),
    ...images.map((i) => ({ path: i, what: 'an image a job pins' })),
  ];
}

/**
 * Checks, before the first device, every programmer a run will drive on this host: its spec (one target per site …)
 * and its driver's preflight (targets exist, are not gangflash's files, not mounted, not the system disk). Throws one
 * FarmError listing every issue, its code the first issue's rule.
 */
export function preflightFarm(specs: ProgrammerSpec[], protectedFiles: ProtectedFile[], usedSites: Map<string, number[]>): void {
  const issues = specs.flatMap((s) => preflightSpec(s, { protectedFiles, usedSites: usedSites.get(s.name) ?? [] }));
  if (issues.length === 0) return;
  const list = issues.map((i) => `${i.message} [${i.code}]`).join('; ');
  throw new FarmError(issues[0].code, `the run was refused before any device was touched: ${list}`, {}, issues);
}
