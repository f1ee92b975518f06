import type { Chip } from '../catalog/chip.js';
import { ImageFormatError } from '../errors.js';
import { fileIdentity } from '../images/file-identity.js';
import type { ProgrammerSpec } from '../programmers/spec.js';
import { FarmSession, type FarmSessionOptions, type WireCyclePlan } from '../fanout/pool/farm-session.js';
import type { CycleTemplate } from './lot-job.js';
import type { ProgrammerLoss, ProgrammerOutcome } from '../programmers/site-result.js';
import type { CycleRequest, SiteProgress, WaveRunner } from './wave-runner.js';

/** What FarmWaveRunner.start needs. */
export interface FarmWaveRunnerOptions {
  programmers: ProgrammerSpec[];
  chip: Chip;
  /** The job's fixed cycle: operations, expected ID, target, EXT_CSD, boot images. */
  template: CycleTemplate;
  /** The main image every wave streams once. */
  image: { path: string; fill: number };
  /**
   * Identity (src/images/file-identity.ts) of each image file when its content was checked against the job; a wave
   * refuses a file that differs. @default the identities when the runner starts
   */
  checked?: Map<string, string>;
  /** Ring and slow-consumer options of the fan-out. @default FarmSession's */
  session?: Pick<FarmSessionOptions, 'ring' | 'slowConsumerMs' | 'progressMs'>;
}

/** The scheduler's WaveRunner on the real fan-out: one worker thread per programmer, the image streamed once per wave. */
export class FarmWaveRunner implements WaveRunner {
  /** The image files' identities as they were when the run checked their content. */
  private readonly pinned: Map<string, string>;

  private constructor(private readonly session: FarmSession, private readonly opts: FarmWaveRunnerOptions) {
    this.pinned = new Map([opts.image.path, ...opts.template.bootImages.map((b) => b.path)].map((f) => [f, opts.checked?.get(f) ?? fileIdentity(f)]));
  }

  /** Starts the farm session (one worker and driver per programmer). */
  static async start(opts: FarmWaveRunnerOptions): Promise<FarmWaveRunner> {
    const session = await FarmSession.start({ programmers: opts.programmers, chip: opts.chip, ...opts.session });
    return new FarmWaveRunner(session, opts);
  }

  /** Throws `image-changed` when an image file was written, replaced or removed since the run checked it. */
  private checkImages(when: string): void {
    for (const [file, fp] of this.pinned) {
      if (fileIdentity(file) !== fp) {
        throw new ImageFormatError(
          'image-changed',
          `the image file changed ${when}; the devices of this cycle are not recorded and will be programmed again. Restore the file (or re-create the job for the new image) and run again`,
          { file },
        );
      }
    }
  }

  /** Figures of the last wave (bytes read from the image, ms). */
  get lastWave() {
    return this.session.lastWave;
  }

  async runWave(cycles: Map<string, CycleRequest>, onProgress: (p: SiteProgress) => void): Promise<Map<string, ProgrammerOutcome>> {
    const t = this.opts.template;
    const plans = new Map<string, WireCyclePlan>();
    for (const [name, req] of cycles) {
      plans.set(name, {
        insertions: req.insertions,
        ops: t.ops,
        expectedId: t.expectedId,
        target: t.target,
        serials: req.serials,
        extCsd: t.extCsd,
        bootImages: t.bootImages.map((b) => ({ partition: b.partition, path: b.path, fill: this.opts.image.fill, bytes: b.bytes })),
        imageBytes: t.imageBytes,
        deviceBytes: t.deviceBytes,
      });
    }
    this.checkImages('while the lot was running');
    const results = await this.session.runWave(this.opts.image, plans, (e) => {
      if (e.type !== 'progress') return;
      for (const site of e.sites) onProgress({ programmer: e.programmer, site, stage: e.stage, bytesDone: e.bytesDone, bytesTotal: e.bytesTotal ?? 0 });
    });
    // A write during the wave may have reached some sockets: nothing of this wave is recorded.
    this.checkImages('during the cycle in flight');
    return results;
  }

  abortWave(loss: ProgrammerLoss): string[] {
    return this.session.abortWave(loss);
  }

  restart(programmer: string): Promise<void> {
    return this.session.restart(programmer);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
