import path from 'node:path';
import type { Chip } from '../catalog/chip.js';
import type { NandScheme } from '../layout/target.js';
import { checkFits, usableBytes, type FitOptions } from '../layout/fit.js';
import { prepareNand } from '../layout/nand.js';
import { parsePartitionTable } from '../layout/partition-table.js';
import { planEmmc } from '../layout/emmc.js';
import { parseExtCsd } from '../layout/ext-csd.js';
import { JobError, LayoutError } from '../errors.js';
import { readTextFile } from '../text-file.js';
import type { ImagePin } from './image-pin.js';
import type { CreateJobOptions } from './options.js';
import { checkBytesPlacement, checkSerialPlacement, parseSerialSpec } from './serial.js';
import { DEFAULT_OPS, parseOps, type JobNand, type JobSpec } from './spec.js';

/** The images a job names, already pinned. */
export interface JobImages {
  image: ImagePin;
  boot1?: ImagePin;
  boot2?: ImagePin;
}

/** Reads `--nand-scheme skip|partitions:FILE` (the only file I/O of the layout step). */
export function readNandScheme(text: string): { scheme: NandScheme; file?: string } {
  if (text === 'skip') return { scheme: { kind: 'skip' } };
  const m = /^partitions:(.+)$/.exec(text);
  if (!m) throw new JobError('nand-scheme-invalid', `--nand-scheme ${text}: expected skip or partitions:FILE`);
  const file = path.resolve(m[1]);
  const body = readTextFile(file, (p) =>
    p.kind === 'not-a-file'
      ? new JobError('partition-table-missing', `partition table ${m[1]} is not a regular file (a folder, pipe or device); give the path of its JSON file`, { file: m[1] })
      : new JobError('partition-table-missing', `partition table ${m[1]} does not exist or cannot be read`, { file: m[1] }),
  );
  return { scheme: { kind: 'partitions', partitions: parsePartitionTable(body, m[1]) }, file };
}

/** Refuses an option that does not apply to the chip's kind. */
function refuseFor(chip: Chip, option: string, given: unknown, kinds: string): void {
  if (given !== undefined && !(Array.isArray(given) && given.length === 0)) {
    throw new JobError('option-not-for-chip', `${option} applies to ${kinds} chips, but ${chip.part} is ${chip.kind}`);
  }
}

/** Where one field of a serial rule writes, and how many bytes (checked against the chip and image). */
export interface RuleWrite {
  field: string;
  offset: number;
  length: number;
}

/**
 * Validates a job against its chip and pinned images (ops, NAND layout, eMMC partitions and EXT_CSD, serial
 * placement, capacity) and returns its spec. Throws JobError / LayoutError before anything is stored.
 */
export function buildJobSpec(chip: Chip, opts: CreateJobOptions, images: JobImages, ruleWrites?: RuleWrite[]): JobSpec {
  const ops = opts.ops === undefined ? [...DEFAULT_OPS] : parseOps(opts.ops);
  const fill = opts.fill ?? 0xff;
  if (!Number.isInteger(fill) || fill < 0 || fill > 255) throw new JobError('fill-invalid', `--fill ${fill}: a fill value is a byte, 0..255`);
  const isNand = chip.kind === 'nand' || chip.kind === 'spi-nand';
  const isEmmc = chip.kind === 'emmc';
  if (!isNand) {
    refuseFor(chip, '--nand-scheme', opts.nandScheme, 'NAND');
    refuseFor(chip, opts.withSpare === false ? '--data-only' : '--with-spare', opts.withSpare, 'NAND');
  }
  if (!isEmmc) {
    refuseFor(chip, '--emmc-boot1', opts.emmcBoot1, 'eMMC');
    refuseFor(chip, '--emmc-boot2', opts.emmcBoot2, 'eMMC');
    refuseFor(chip, '--ext-csd', opts.extCsd, 'eMMC');
  }
  const spec: JobSpec = { chip: chip.part, image: images.image, ops, fill };
  const fit: FitOptions = { imageName: images.image.path };
  let serialArea: { usableBytes: number; why?: string } | undefined;
  if (isNand) {
    const { scheme, file } = readNandScheme(opts.nandScheme ?? 'skip');
    const layout = prepareNand(chip, images.image.size, scheme, { withSpare: opts.withSpare, file, imageName: images.image.path });
    const nand: JobNand = { scheme, withSpare: layout.withSpare };
    if (file !== undefined) nand.schemeFile = file;
    spec.nand = nand;
    Object.assign(fit, { withSpare: layout.withSpare, nandScheme: scheme });
    // NAND pages are programmed once per erase: a serial is patched into the image's own blocks as they stream.
    serialArea = { usableBytes: layout.imageBlocks * layout.blockBytes, why: 'on NAND the serial is patched into the blocks the image spans' };
  } else if (isEmmc) {
    planEmmc(
      chip,
      { user: images.image.size, boot1: images.boot1?.size, boot2: images.boot2?.size },
      { user: images.image.path, boot1: images.boot1?.path, boot2: images.boot2?.path },
    );
    const extCsd = parseExtCsd(opts.extCsd ?? [], chip, { boot1: images.boot1 !== undefined, boot2: images.boot2 !== undefined });
    spec.emmc = { extCsd };
    if (images.boot1) spec.emmc.boot1 = images.boot1;
    if (images.boot2) spec.emmc.boot2 = images.boot2;
  }
  checkFits(chip, images.image.size, fit);
  if (opts.serial !== undefined && opts.serialRule !== undefined) {
    throw new JobError('serial-conflict', '--serial and --serial-rule both name the serial numbering; give one');
  }
  if (opts.serialRule !== undefined) {
    const overwrite = opts.serialOverwrite ?? false;
    const area = serialArea ?? { usableBytes: usableBytes(chip, fit) };
    for (const w of ruleWrites ?? []) checkBytesPlacement(w.offset, w.length, { ...area, imageBytes: images.image.size, overwrite }, `rule ${opts.serialRule} field ${w.field}`);
    spec.serialRule = { name: opts.serialRule, overwrite };
  } else if (opts.serial !== undefined) {
    const rule = parseSerialSpec(opts.serial);
    const overwrite = opts.serialOverwrite ?? false;
    const area = serialArea ?? { usableBytes: usableBytes(chip, fit) };
    checkSerialPlacement(rule, { ...area, imageBytes: images.image.size, overwrite });
    spec.serial = { ...rule, overwrite };
  } else if (opts.serialOverwrite) {
    throw new JobError('serial-overwrite-alone', '--serial-overwrite needs --serial or --serial-rule');
  }
  if (images.image.size === 0 && ops.includes('program')) {
    throw new LayoutError('image-empty', `image ${images.image.path} is empty; there is nothing to program`);
  }
  return spec;
}
