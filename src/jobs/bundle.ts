import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/open.js';
import { ImageFormatError, JobError } from '../errors.js';
import { getChip } from '../catalog/chips.js';
import { ruleWrites } from '../serials/rules.js';
import { atomicallyNow } from '../store/atomic.js';
import { insertJob, jobByVersion, putImageCopy } from '../store/jobs.js';
import { ReleaseStore } from '../store/releases.js';
import { SerialStore } from '../store/serial-ledger.js';
import { checkJobImages } from './check-images.js';
import { pinImage, type ImagePin } from './image-pin.js';
import { parseSpecJson, specJson, type Job, type JobSpec } from './spec.js';
import { getJob } from './store.js';

/** The file in a bundle that describes it. */
export const MANIFEST = 'manifest.json';
const KIND = 'gangflash-job-bundle';

/** A bundle's manifest: the job version, its release, and its spec with each image named by its file in the bundle. */
export interface BundleManifest {
  kind: typeof KIND;
  formatVersion: 1;
  job: { name: string; version: number; chip: string };
  release: { by: string; at: string; note: string | null } | null;
  spec: JobSpec;
}

type Role = 'image' | 'boot1' | 'boot2';

/** Each image pin of a spec with its role (the main image, then the eMMC boot images). */
function pins(spec: JobSpec): [Role, ImagePin][] {
  const out: [Role, ImagePin][] = [['image', spec.image]];
  if (spec.emmc?.boot1) out.push(['boot1', spec.emmc.boot1]);
  if (spec.emmc?.boot2) out.push(['boot2', spec.emmc.boot2]);
  return out;
}

/** The spec with each image's path replaced by `place(role, pin)`. */
function withPaths(spec: JobSpec, place: (role: Role, pin: ImagePin) => string): JobSpec {
  const out: JobSpec = { ...spec, image: { ...spec.image, path: place('image', spec.image) } };
  if (spec.emmc) {
    out.emmc = { ...spec.emmc };
    if (spec.emmc.boot1) out.emmc.boot1 = { ...spec.emmc.boot1, path: place('boot1', spec.emmc.boot1) };
    if (spec.emmc.boot2) out.emmc.boot2 = { ...spec.emmc.boot2, path: place('boot2', spec.emmc.boot2) };
  }
  return out;
}

/**
 * `job export`: writes directory `out` holding the job version's manifest and a copy of every image it pins (checked
 * against its SHA-256 first, so a bundle never carries a changed image). Refuses an `out` that exists.
 */
export async function exportJob(db: Db, ref: string, out: string): Promise<{ job: Job; dir: string; files: string[] }> {
  const job = getJob(db, ref);
  await checkJobImages(job.spec, db);
  if (fs.existsSync(out)) throw new JobError('bundle-exists', 'this bundle directory exists already; give --out a new directory', { file: out });
  const release = new ReleaseStore(db).of(job.id);
  const name = (role: Role, pin: ImagePin) => `${role}${path.extname(pin.path).toLowerCase() || '.bin'}`;
  const manifest: BundleManifest = {
    kind: KIND,
    formatVersion: 1,
    job: { name: job.name, version: job.version, chip: job.chip },
    release: release ? { by: release.releasedBy, at: release.releasedAt, note: release.note } : null,
    spec: withPaths(job.spec, name),
  };
  const tmp = `${out}.partial-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  const files: string[] = [];
  for (const [role, pin] of pins(job.spec)) {
    fs.copyFileSync(pin.path, path.join(tmp, name(role, pin)));
    files.push(name(role, pin));
  }
  fs.writeFileSync(path.join(tmp, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(tmp, out); // the bundle appears whole or not at all
  return { job, dir: path.resolve(out), files: [MANIFEST, ...files] };
}

/** Reads and checks a bundle's manifest; errors name the file and what is wrong. */
function readManifest(dir: string): BundleManifest {
  const file = path.join(dir, MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new JobError('bundle-invalid', `cannot be read: give the directory \`gangflash job export\` wrote`, { file });
  }
  let m: BundleManifest;
  try {
    m = JSON.parse(text) as BundleManifest;
  } catch (e) {
    throw new JobError('bundle-invalid', `not JSON (${(e as Error).message}); export the job again`, { file });
  }
  if (m?.kind !== KIND || m.formatVersion !== 1) throw new JobError('bundle-invalid', `not a gangflash job bundle of format 1; export the job again with this gangflash`, { file });
  if (typeof m.job?.name !== 'string' || !Number.isInteger(m.job.version) || m.job.version < 1 || typeof m.job.chip !== 'string') {
    throw new JobError('bundle-invalid', `job must have a name, a version (1 or more) and a chip; export the job again`, { file });
  }
  m.spec = parseSpecJson(JSON.stringify(m.spec), `${m.job.name}@${m.job.version} in ${file}`);
  for (const [role, pin] of pins(m.spec)) {
    if (typeof pin.path !== 'string' || path.basename(pin.path) !== pin.path || !/^[0-9a-f]{64}$/.test(pin.sha256)) {
      throw new JobError('bundle-invalid', `${role} must name a file of the bundle and its SHA-256; export the job again`, { file });
    }
  }
  return m;
}

/** What `job import` did: imported the version, or found it already here with the same content. */
export type ImportOutcome = 'imported' | 'unchanged';

/**
 * `job import`: checks every image of the bundle against the manifest's SHA-256 (refused, naming the file, when one
 * differs), then records the job version under its own name and version, its images as this station's copies (read
 * from the bundle directory), its serial rule (a rule of that name must exist here) and its release.
 */
export async function importJob(db: Db, dir: string): Promise<{ job: Job; outcome: ImportOutcome }> {
  const m = readManifest(dir);
  const abs = path.resolve(dir);
  const local = withPaths(m.spec, (_role, pin) => path.join(abs, pin.path));
  for (const [role, pin] of pins(local)) {
    const file = pin.path;
    if (!fs.existsSync(file)) throw new JobError('bundle-image-missing', `the ${role} of job ${m.job.name}@${m.job.version} is missing from the bundle; copy the whole bundle directory again`, { file });
    const got = await pinImage(file, m.spec.fill, pin.size).catch((e: unknown) => {
      if (e instanceof ImageFormatError && e.code === 'image-too-large') return { sha256: `content past the pinned ${pin.size} bytes` };
      throw e;
    });
    if (got.sha256 !== pin.sha256) {
      throw new JobError(
        'bundle-image-mismatch',
        `has SHA-256 ${got.sha256} but the bundle's manifest pins ${pin.sha256} for the ${role} of job ${m.job.name}@${m.job.version}; the copy is damaged or was replaced: copy the bundle again from the station that exported it (nothing was imported)`,
        { file },
      );
    }
  }
  getChip(db, m.job.chip); // refuses a chip this station's catalog lacks
  const rule = m.spec.serialRule ? ruleWrites(db, m.spec.serialRule.name) : undefined;
  return atomicallyNow(db, () => {
    for (const [, pin] of pins(local)) putImageCopy(db, pin);
    const had = jobByVersion(db, m.job.name, m.job.version);
    if (had) {
      const same = specJson(withPaths(parseSpecJson(had.spec, m.job.name), () => '')) === specJson(withPaths(m.spec, () => ''));
      if (!same) {
        throw new JobError('job-version-taken', `job ${m.job.name}@${m.job.version} exists on this station with another content; nothing was imported: rename one of them or export a new version`);
      }
      return { job: getJob(db, `#${had.id}`), outcome: 'unchanged' as const };
    }
    const id = insertJob(db, { name: m.job.name, version: m.job.version, chip: m.job.chip, imageSha256: m.spec.image.sha256, spec: specJson(local) });
    if (rule) new SerialStore(db).attachJob(id, rule.ruleId);
    if (m.release) new ReleaseStore(db).release(id, m.release.by, m.release.note ?? `imported; released at ${m.release.at}`);
    return { job: getJob(db, `#${id}`), outcome: 'imported' as const };
  });
}
