import type { Db } from '../db/open.js';
import type { Chip } from '../catalog/chip.js';
import { getChip } from '../catalog/chips.js';
import { getJob } from '../jobs/store.js';
import { assertRunnable } from '../jobs/release.js';
import { checkJobImages, type ImageCheck } from '../jobs/check-images.js';
import { extCsdWrites, programSteps, programTarget, serialRule } from '../jobs/target.js';
import type { Job } from '../jobs/spec.js';
import { openLedger } from '../serials/rules.js';
import { ruleForLegacy } from '../jobs/serial-rule.js';
import { SerialExhausted, type SerialLedger } from '../serials/ledger.js';
import { SerialStore } from '../store/serial-ledger.js';
import type { ExtCsdWrite } from '../layout/ext-csd.js';
import type { ProgramTarget } from '../layout/target.js';
import { lotCounters, type LotCounters } from '../lots/counters.js';
import { lotJobId } from '../store/lots.js';

/** The fixed part of every cycle of a lot: what the job does, the same for every device. */
export interface CycleTemplate {
  ops: ('id' | 'erase' | 'blank' | 'program' | 'verify')[];
  /** Hex prefix every device's ID must start with. */
  expectedId: string;
  target: ProgramTarget;
  extCsd: ExtCsdWrite[];
  /** eMMC boot images: path and fill (opened in the worker), in order. */
  bootImages: { partition: 'boot1' | 'boot2'; path: string; bytes: number }[];
  /** Expanded size of the main image. */
  imageBytes: number;
  /** The chip's capacity (erase/blank progress scale). */
  deviceBytes: number;
}

/** Everything a run of a lot needs to know before it touches a device. */
export interface LotJob {
  counters: LotCounters;
  job: Job;
  chip: Chip;
  /** The ledger of the job's serial rule, or null when the job writes no serial. */
  serial: SerialLedger | null;
  /** Path of the main image and its fill byte. */
  image: { path: string; fill: number; sha256: string; bytes: number };
  template: CycleTemplate;
  /** How each pinned image was found unchanged, with the identity later waves are checked against. */
  imageChecks: ImageCheck[];
}

/** Loads a lot's job and chip and re-checks every pinned image (refused with `image-changed` before any device is touched). */
export async function prepareLotJob(db: Db, lot: string, opts: { engineering?: boolean } = {}): Promise<LotJob> {
  const counters = lotCounters(db, lot);
  const jobId = lotJobId(db, lot)!;
  const job = getJob(db, `#${jobId}`);
  assertRunnable(db, job, opts.engineering ?? false);
  const chip = getChip(db, job.chip);
  const spec = job.spec;
  const imageChecks = await checkJobImages(job.spec, db);
  const steps = programSteps(spec);
  const serial = jobLedger(db, job);
  const left = serial?.remaining() ?? null;
  if (serial && left !== null && left < BigInt(counters.remaining)) {
    throw new SerialExhausted(
      'serial-exhausted',
      `lot ${lot} has ${counters.remaining} devices left but serial rule ${serial.name} can issue only ${left} more value${left === 1n ? '' : 's'}; nothing was programmed — extend the rule (a new rule with a later start or a longer width) or split the lot`,
    );
  }
  return {
    counters,
    job,
    chip,
    imageChecks,
    serial,
    image: { path: spec.image.path, fill: spec.fill, sha256: spec.image.sha256, bytes: spec.image.size },
    template: {
      ops: spec.ops,
      expectedId: chip.idBytes,
      target: programTarget(spec),
      extCsd: extCsdWrites(spec),
      bootImages: steps.slice(1).map((s) => ({ partition: s.target.partition as 'boot1' | 'boot2', path: s.image.path, bytes: s.image.size })),
      imageBytes: spec.image.size,
      deviceBytes: chip.capacityBytes,
    },
  };
}

/** The ledger of a job's serial rule: its own rule, or the rule its `--serial` option stands for (made on first use). */
function jobLedger(db: Db, job: Job): SerialLedger | null {
  const store = new SerialStore(db);
  let ruleId = store.ruleOfJob(job.id);
  if (ruleId === null) {
    const legacy = serialRule(job.spec);
    if (!legacy) return null;
    ruleId = store.transaction(() => {
      const id = ruleForLegacy(db, job.name, legacy);
      store.attachJob(job.id, id);
      return id;
    });
  }
  return openLedger(db, ruleId);
}
