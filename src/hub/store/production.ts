import { HubError } from '../../errors.js';
import { q, type Hub } from '../connection.js';

/** A job version released for production: its manifest and the image it pins by SHA-256. */
export interface ReleasedJob {
  name: string;
  version: number;
  chip: string;
  image: { sha256: string; format: string; size: number };
  /** The job's spec as JSON (ops, layout, serial rule name). */
  manifest: unknown;
  releasedBy: string;
}

/** A reel of a lot as the hub holds it. */
export interface HubReelImport {
  reelId: string;
  part: string;
  quantity: number;
  dateCode: string;
}

const S = {
  chip: { name: 'hub.catalog.chip', text: `INSERT INTO chips (part, doc) VALUES ($1, $2) ON CONFLICT (part) DO UPDATE SET doc = excluded.doc, updated_at = now() WHERE chips.doc <> excluded.doc` },
  adapterType: {
    name: 'hub.catalog.adapter-type',
    text: `INSERT INTO adapter_types (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = now() WHERE adapter_types.doc <> excluded.doc`,
  },
  chipCount: { name: 'hub.catalog.counts', text: `SELECT (SELECT count(*) FROM chips)::int AS chips, (SELECT count(*) FROM adapter_types)::int AS "adapterTypes"` },
  image: {
    name: 'hub.images.put',
    text: `INSERT INTO images (sha256, format, size) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`,
  },
  jobRelease: {
    name: 'hub.jobs.release',
    text: `INSERT INTO jobs (name, version, chip, image_sha256, manifest, released_by) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (name, version) DO NOTHING RETURNING id::int AS id`,
  },
  jobByName: {
    name: 'hub.jobs.by-name',
    text: `SELECT id::int AS id, name, version, chip, image_sha256 AS sha256, manifest, released_by AS "releasedBy", released_at AS "releasedAt"
           FROM jobs WHERE name = $1 AND version = $2`,
  },
  jobOfLot: {
    name: 'hub.jobs.of-lot',
    text: `SELECT j.id::int AS id, j.name, j.version, j.chip, j.image_sha256 AS sha256, j.manifest, j.released_by AS "releasedBy", j.released_at AS "releasedAt"
           FROM lots l JOIN jobs j ON j.id = l.job_id WHERE l.id = $1`,
  },
  lot: { name: 'hub.lots.add', text: `INSERT INTO lots (id, job_id, chip) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING` },
  lotJob: { name: 'hub.lots.job', text: `SELECT job_id::int AS "jobId" FROM lots WHERE id = $1` },
  reel: {
    name: 'hub.reels.add',
    text: `INSERT INTO reels (lot_id, reel_id, part, quantity, date_code) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (lot_id, reel_id) DO UPDATE SET quantity = excluded.quantity, date_code = excluded.date_code
             WHERE reels.quantity <> excluded.quantity OR reels.date_code <> excluded.date_code`,
  },
} as const;

/** Loads the catalog snapshot (chips and adapter types as JSON documents); returns how many the hub now holds. */
export async function putCatalog(hub: Hub, chips: { part: string }[], adapterTypes: { id: string }[]): Promise<{ chips: number; adapterTypes: number }> {
  return hub.tx(async (c) => {
    for (const chip of chips) await q(c, S.chip, [chip.part, JSON.stringify(chip)]);
    for (const t of adapterTypes) await q(c, S.adapterType, [t.id, JSON.stringify(t)]);
    return (await q<{ chips: number; adapterTypes: number }>(c, S.chipCount))[0];
  });
}

/**
 * Releases a job version on the hub (idempotent); refuses the same name and version with another image or manifest:
 * a released version never changes, make a new version.
 */
export async function releaseJob(hub: Hub, job: ReleasedJob): Promise<number> {
  if (!/^[0-9a-f]{64}$/.test(job.image.sha256)) throw new HubError('bad-image-hash', `image SHA-256 ${job.image.sha256} is not 64 lowercase hex digits`);
  return hub.tx(async (c) => {
    await q(c, S.image, [job.image.sha256, job.image.format, job.image.size]);
    const made = await q<{ id: number }>(c, S.jobRelease, [job.name, job.version, job.chip, job.image.sha256, JSON.stringify(job.manifest), job.releasedBy]);
    if (made.length > 0) return made[0].id;
    const [had] = await q<{ id: number; sha256: string; manifest: unknown; chip: string }>(c, S.jobByName, [job.name, job.version]);
    if (had.sha256 !== job.image.sha256 || had.chip !== job.chip || JSON.stringify(had.manifest) !== JSON.stringify(normalise(job.manifest))) {
      throw new HubError('job-release-differs', `job ${job.name} v${job.version} was released on the hub with another image or manifest; a released version never changes: make a new version`);
    }
    return had.id;
  });
}

/** A released job version, or undefined. */
export async function releasedJob(hub: Hub, name: string, version: number): Promise<(ReleasedJob & { id: number }) | undefined> {
  const [r] = await hub.run<{ id: number; name: string; version: number; chip: string; sha256: string; manifest: unknown; releasedBy: string }>(S.jobByName, [name, version]);
  return r && { id: r.id, name: r.name, version: r.version, chip: r.chip, image: { sha256: r.sha256, format: '', size: 0 }, manifest: r.manifest, releasedBy: r.releasedBy };
}

/** The released job a lot runs. */
export async function jobOfLot(hub: Hub, lot: string): Promise<{ id: number; name: string; version: number; chip: string; sha256: string; manifest: unknown } | undefined> {
  return (await hub.run<{ id: number; name: string; version: number; chip: string; sha256: string; manifest: unknown }>(S.jobOfLot, [lot]))[0];
}

/** Adds a lot of a released job with its reels (idempotent; a reel's quantity or date code may be corrected). */
export async function addLot(hub: Hub, lot: string, job: { name: string; version: number }, reels: HubReelImport[]): Promise<void> {
  await hub.tx(async (c) => {
    const [j] = await q<{ id: number; chip: string }>(c, S.jobByName, [job.name, job.version]);
    if (!j) throw new HubError('job-not-released', `job ${job.name} v${job.version} is not released on the hub: run \`gangflash job release\` with --hub first`);
    await q(c, S.lot, [lot, j.id, j.chip]);
    const [l] = await q<{ jobId: number }>(c, S.lotJob, [lot]);
    if (l.jobId !== j.id) throw new HubError('lot-exists', `lot ${lot} exists on the hub with another job; pick another lot id`);
    for (const r of reels) await q(c, S.reel, [lot, r.reelId, r.part, r.quantity, r.dateCode]);
  });
}

/** jsonb's normal form of a JSON document (key order), to compare a manifest with the stored one. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // jsonb orders keys by length, then bytewise.
    const keys = Object.keys(o).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, normalise(o[k])]));
  }
  return v;
}
