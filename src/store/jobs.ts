import type { Db } from '../db/open.js';
import { statements } from './statements.js';

/** A job version as stored, with its frozen flag and its release (if any). */
export interface JobRecord {
  id: number;
  name: string;
  version: number;
  chip: string;
  imageSha256: string;
  /** The job spec (JSON text; parse with src/jobs/spec.ts). */
  spec: string;
  createdAt: string;
  /** A lot uses it or it was released: it never changes again. */
  frozen: boolean;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseNote: string | null;
}

/** A job version's name, version and chip. */
export interface JobKey {
  id: number;
  name: string;
  version: number;
  chip: string;
}

/** A pinned image as stored in `images`. */
export interface ImageRow {
  sha256: string;
  path: string;
  format: string;
  size: number;
}

const SELECT = `SELECT j.id, j.name, j.version, j.chip, j.image_sha256 AS imageSha256, j.spec, j.created_at AS createdAt,
  (EXISTS (SELECT 1 FROM lots l WHERE l.job_id = j.id) OR r.job_id IS NOT NULL) AS frozen,
  r.released_by AS releasedBy, r.released_at AS releasedAt, r.note AS releaseNote FROM jobs j LEFT JOIN job_releases r ON r.job_id = j.id`;

const FAMILY = {};

function prepare(db: Db) {
  return {
    byId: db.prepare(`${SELECT} WHERE j.id = ?`),
    byVersion: db.prepare(`${SELECT} WHERE j.name = ? AND j.version = ?`),
    newest: db.prepare(`${SELECT} WHERE j.name = ? ORDER BY j.version DESC LIMIT 1`),
    newestEach: db.prepare(`${SELECT} WHERE j.version = (SELECT max(version) FROM jobs k WHERE k.name = j.name) ORDER BY j.name, j.version`),
    every: db.prepare(`${SELECT} ORDER BY j.name, j.version`),
    keyByVersion: db.prepare('SELECT id, name, version, chip FROM jobs WHERE name = ? AND version = ?'),
    keyNewest: db.prepare('SELECT id, name, version, chip FROM jobs WHERE name = ? ORDER BY version DESC LIMIT 1'),
    insertImage: db.prepare('INSERT OR IGNORE INTO images (sha256, path, format, size) VALUES (?, ?, ?, ?)'),
    imagePaths: db.prepare('SELECT path FROM images').pluck(),
    putCopy: db.prepare(
      'INSERT INTO images (sha256, path, format, size) VALUES (?, ?, ?, ?) ON CONFLICT(sha256) DO UPDATE SET path = excluded.path, format = excluded.format, size = excluded.size',
    ),
    copyPath: db.prepare('SELECT path FROM images WHERE sha256 = ?').pluck(),
    specs: db.prepare('SELECT spec FROM jobs').pluck(),
    update: db.prepare('UPDATE jobs SET chip = ?, image_sha256 = ?, spec = ? WHERE id = ?'),
    insert: db.prepare('INSERT INTO jobs (name, version, chip, image_sha256, spec) VALUES (?, ?, ?, ?, ?)'),
    check: db.prepare('SELECT identity FROM image_checks WHERE path = ? AND sha256 = ? AND fill = ?').pluck(),
    putCheck: db.prepare('INSERT OR REPLACE INTO image_checks (path, sha256, fill, identity) VALUES (?, ?, ?, ?)'),
  };
}

const s = (db: Db) => statements(db, FAMILY, prepare);

function record(r: unknown): JobRecord | undefined {
  return r === undefined ? undefined : { ...(r as JobRecord), frozen: (r as { frozen: number }).frozen === 1 };
}

/** The job version with id `id`, or undefined. */
export function jobById(db: Db, id: number): JobRecord | undefined {
  return record(s(db).byId.get(id));
}

/** Version `version` of job `name`, or undefined. */
export function jobByVersion(db: Db, name: string, version: number): JobRecord | undefined {
  return record(s(db).byVersion.get(name, version));
}

/** The newest version of job `name`, or undefined. */
export function newestJob(db: Db, name: string): JobRecord | undefined {
  return record(s(db).newest.get(name));
}

/** Every job version (`all`), or the newest version of each name, by name and version. */
export function jobRecords(db: Db, all: boolean): JobRecord[] {
  return ((all ? s(db).every : s(db).newestEach).all() as unknown[]).map((r) => record(r)!);
}

/** Name, version and chip of version `version` of job `name` (the newest when `version` is undefined), or undefined. */
export function jobKey(db: Db, name: string, version?: number): JobKey | undefined {
  return (version === undefined ? s(db).keyNewest.get(name) : s(db).keyByVersion.get(name, version)) as JobKey | undefined;
}

/** Records a pinned image (an image already recorded is left as it is). */
export function insertImage(db: Db, i: ImageRow): void {
  s(db).insertImage.run(i.sha256, i.path, i.format, i.size);
}

/** Records `i.path` as this station's copy of the image with SHA-256 `i.sha256` (replacing the place recorded before). */
export function putImageCopy(db: Db, i: ImageRow): void {
  s(db).putCopy.run(i.sha256, i.path, i.format, i.size);
}

/** Where this station keeps the image with SHA-256 `sha256` (its last pin or `image add`), if anywhere. */
export function imageCopyPath(db: Db, sha256: string): string | undefined {
  return s(db).copyPath.get(sha256) as string | undefined;
}

/** The paths of every recorded image. */
export function imagePaths(db: Db): string[] {
  return s(db).imagePaths.all() as string[];
}

/** The spec (JSON text) of every job version. */
export function jobSpecs(db: Db): string[] {
  return s(db).specs.all() as string[];
}

/** Replaces the chip, image and spec of a job version. */
export function updateJob(db: Db, id: number, j: { chip: string; imageSha256: string; spec: string }): void {
  s(db).update.run(j.chip, j.imageSha256, j.spec, id);
}

/** Adds a job version; returns its id. */
export function insertJob(db: Db, j: { name: string; version: number; chip: string; imageSha256: string; spec: string }): number {
  return Number(s(db).insert.run(j.name, j.version, j.chip, j.imageSha256, j.spec).lastInsertRowid);
}

/** The file identity recorded when the file at `path` last matched `sha256` with this fill, or undefined. */
export function imageCheckIdentity(db: Db, path: string, sha256: string, fill: number): string | undefined {
  return s(db).check.get(path, sha256, fill) as string | undefined;
}

/** Records that the file at `path`, with this identity, matched `sha256` with this fill. */
export function putImageCheck(db: Db, path: string, sha256: string, fill: number, identity: string): void {
  s(db).putCheck.run(path, sha256, fill, identity);
}
