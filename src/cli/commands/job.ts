import type { Command } from 'commander';
import { withDb } from '../context.js';
import { printJson, say, table } from '../output.js';
import { UsageError } from '../../errors.js';
import { createJob, type CreateOutcome } from '../../jobs/create.js';
import type { CreateJobOptions } from '../../jobs/options.js';
import { getJob, listJobs } from '../../jobs/store.js';
import { actor, releaseJob } from '../../jobs/release.js';
import { exportJob, importJob } from '../../jobs/bundle.js';
import { serialSpecText } from '../../jobs/serial.js';
import type { Job } from '../../jobs/spec.js';
import type { ImagePin } from '../../jobs/image-pin.js';
import { describeExtCsd } from '../../layout/ext-csd.js';
import { sizeText } from '../../layout/size-text.js';

/** Options `job create` receives from commander: the job options, with --fill as text, --data-only and --json. */
interface CreateFlags extends Omit<CreateJobOptions, 'fill'> {
  dataOnly?: boolean;
  fill?: string;
  json?: boolean;
}

const said: Record<CreateOutcome, string> = {
  created: 'created',
  updated: 'updated in place (no lot uses it yet)',
  'new-version': 'created as a new version (the previous one is used by a lot and stays frozen)',
  unchanged: 'unchanged: the newest version already has exactly this spec',
};

/** A byte value from decimal or 0x-hex text. */
function byteValue(text: string): number {
  const t = text.trim();
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new UsageError('fill-invalid', `--fill ${text}: a fill value is a byte, 0..255 (decimal or 0x-hex)`);
  return n;
}

const imageLine = (p: ImagePin) => `${p.path}  ${p.format}${p.gzip ? '+gzip' : ''}  ${sizeText(p.size)}  sha256 ${p.sha256}`;

/** The human description of one job. */
function showJob(job: Job): void {
  const s = job.spec;
  say(`job ${job.name}@${job.version} (id ${job.id})${job.frozen ? ' — frozen: used by a lot' : ''}`);
  say(`  chip       ${job.chip}`);
  say(`  image      ${imageLine(s.image)}`);
  if (s.emmc?.boot1) say(`  boot1      ${imageLine(s.emmc.boot1)}`);
  if (s.emmc?.boot2) say(`  boot2      ${imageLine(s.emmc.boot2)}`);
  say(`  ops        ${s.ops.join(',')}`);
  say(`  fill       0x${s.fill.toString(16).toUpperCase().padStart(2, '0')}`);
  if (s.nand) {
    say(`  nand       ${s.nand.scheme.kind}${s.nand.schemeFile ? ` (${s.nand.schemeFile})` : ''}, ${s.nand.withSpare ? 'data+spare image' : 'data-only image'}`);
    if (s.nand.scheme.kind === 'partitions') {
      say(
        table(s.nand.scheme.partitions, [
          { header: 'partition', get: (p) => p.name },
          { header: 'start block', get: (p) => p.startBlock, align: 'right' },
          { header: 'blocks', get: (p) => p.blocks, align: 'right' },
          { header: 'image offset', get: (p) => p.imageOffset, align: 'right' },
          { header: 'image length', get: (p) => p.imageLength, align: 'right' },
        ]),
      );
    }
  }
  for (const w of s.emmc?.extCsd ?? []) say(`  ext-csd    ${describeExtCsd(w)}`);
  if (s.serialRule) say(`  serial     rule ${s.serialRule.name}${s.serialRule.overwrite ? ' (may overwrite image data)' : ''}`);
  if (s.serial) say(`  serial     ${serialSpecText(s.serial)}${s.serial.offset === null ? ' (recorded only)' : ''}${s.serial.overwrite ? ' (may overwrite image data)' : ''}`);
  say(`  created    ${job.createdAt}`);
  say(`  released   ${job.release ? `by ${job.release.by} at ${job.release.at}${job.release.note ? ` (${job.release.note})` : ''}` : 'no — runs need --engineering until `gangflash job release` is given'}`);
}

/** `gangflash job create|show|list`. */
export function register(program: Command): void {
  const job = program.command('job').description('jobs: chip + pinned image + operations + layout + serials, versioned');

  job
    .command('create')
    .description('create a job (or a new version when a lot already uses the newest one), validated against the chip and image')
    .requiredOption('--name <name>', 'job name')
    .requiredOption('--chip <part>', 'chip part number from the catalog')
    .requiredOption('--image <file>', 'image file (eMMC: the user area)')
    .option('--ops <list>', 'ordered subset of id,erase,blank,program,verify', 'id,erase,blank,program,verify')
    .option('--nand-scheme <scheme>', 'NAND bad-block scheme: skip or partitions:FILE (JSON partition table)')
    .option('--with-spare', 'NAND: the image holds page+spare interleaved (else detected from its size)')
    .option('--data-only', 'NAND: the image holds page data only, whatever its size suggests')
    .option('--emmc-boot1 <file>', 'eMMC: image for the BOOT1 partition')
    .option('--emmc-boot2 <file>', 'eMMC: image for the BOOT2 partition')
    .option('--ext-csd <K=V...>', 'eMMC: EXT_CSD setting, e.g. BOOT_PARTITION_CONFIG=0x48, BOOT_ACK=1, 177=2 (repeatable)')
    .option('--serial <spec>', 'serial numbers START[:STEP][@OFFSET], e.g. SN000100:1@0x7FF000')
    .option('--serial-rule <name>', 'serial values from a rule made with `gangflash serials rule add` (serial, MAC, list, generator)')
    .option('--serial-overwrite', 'let the serial overwrite image data')
    .option('--fill <byte>', 'fill value for gaps between HEX/S-record records', '0xFF')
    .option('--json', 'print the result as JSON')
    .action(async function (this: Command, flags: CreateFlags) {
      if (flags.withSpare && flags.dataOnly) throw new UsageError('spare-conflict', '--with-spare and --data-only contradict each other; give one');
      const opts = {
        name: flags.name,
        chip: flags.chip,
        image: flags.image,
        ops: flags.ops,
        nandScheme: flags.nandScheme,
        withSpare: flags.withSpare ? true : flags.dataOnly ? false : undefined,
        emmcBoot1: flags.emmcBoot1,
        emmcBoot2: flags.emmcBoot2,
        extCsd: flags.extCsd,
        serial: flags.serial,
        serialRule: flags.serialRule,
        serialOverwrite: flags.serialOverwrite,
        fill: byteValue(flags.fill ?? '0xFF'),
      };
      const r = await withDb(this, (db) => createJob(db, opts));
      if (flags.json) return printJson(r);
      say(`job ${r.job.name}@${r.job.version} (id ${r.job.id}) ${said[r.outcome]}`);
      showJob(r.job);
    });

  job
    .command('release <job>')
    .description('release a job version for production (NAME = newest version, NAME@VERSION or #ID); it is frozen from then on')
    .option('--by <name>', 'who releases it (default: $GANGFLASH_OPERATOR or the login name)')
    .option('--note <text>', 'why or under which change order')
    .option('--json', 'print the job as JSON')
    .action(function (this: Command, ref: string, o: { by?: string; note?: string; json?: boolean }) {
      const r = withDb(this, (db) => releaseJob(db, ref, actor(o.by), o.note ?? null));
      if (o.json) return printJson(r.job);
      say(`job ${r.job.name}@${r.job.version} released by ${r.release.releasedBy} at ${r.release.releasedAt}`);
    });

  job
    .command('export <job>')
    .description('write a bundle (a directory: manifest.json and a copy of every image) of a job version (NAME, NAME@VERSION or #ID) for another station')
    .requiredOption('--out <bundle>', 'the bundle directory to create (must not exist)')
    .option('--json', 'print as JSON')
    .action(async function (this: Command, ref: string, o: { out: string; json?: boolean }) {
      const r = await withDb(this, (db) => exportJob(db, ref, o.out));
      if (o.json) return printJson({ job: `${r.job.name}@${r.job.version}`, dir: r.dir, files: r.files, imageSha256: r.job.imageSha256 });
      say(`job ${r.job.name}@${r.job.version} exported to ${r.dir} (${r.files.join(', ')}); on the other station: gangflash job import ${r.dir}`);
    });

  job
    .command('import <bundle>')
    .description('import a job version from a bundle made by `job export` (every image checked against its SHA-256 first)')
    .option('--json', 'print the job as JSON')
    .action(async function (this: Command, dir: string, o: { json?: boolean }) {
      const r = await withDb(this, (db) => importJob(db, dir));
      if (o.json) return printJson({ outcome: r.outcome, job: r.job });
      say(`job ${r.job.name}@${r.job.version} ${r.outcome === 'imported' ? 'imported' : 'already here with this content'}${r.job.release ? `, released by ${r.job.release.by}` : ''}; its image ${r.job.imageSha256} is read from ${r.job.spec.image.path} (moved elsewhere: \`gangflash image add FILE\`)`);
    });

  job
    .command('show <job>')
    .description('one job: NAME (newest version), NAME@VERSION or #ID')
    .option('--json', 'print as JSON')
    .action(function (this: Command, ref: string, opts: { json?: boolean }) {
      const j = withDb(this, (db) => getJob(db, ref));
      if (opts.json) return printJson(j);
      showJob(j);
    });

  job
    .command('list')
    .description('jobs, newest version of each name')
    .option('--all', 'every version')
    .option('--json', 'print as JSON')
    .action(function (this: Command, opts: { json?: boolean; all?: boolean }) {
      const jobs = withDb(this, (db) => listJobs(db, { allVersions: opts.all }));
      if (opts.json) return printJson(jobs);
      if (jobs.length === 0) return say('no jobs yet; create one with `gangflash job create --name N --chip PART --image FILE`');
      say(
        table(jobs, [
          { header: 'job', get: (j) => `${j.name}@${j.version}` },
          { header: 'id', get: (j) => j.id, align: 'right' },
          { header: 'chip', get: (j) => j.chip },
          { header: 'image', get: (j) => `${j.spec.image.sha256.slice(0, 12)}…` },
          { header: 'size', get: (j) => j.spec.image.size, align: 'right' },
          { header: 'ops', get: (j) => j.spec.ops.join(',') },
          { header: 'serial', get: (j) => (j.spec.serial ? serialSpecText(j.spec.serial) : j.spec.serialRule ? `rule ${j.spec.serialRule.name}` : '') },
          { header: 'frozen', get: (j) => (j.frozen ? 'yes' : '') },
          { header: 'released', get: (j) => (j.release ? `${j.release.by} ${j.release.at.slice(0, 10)}` : '') },
        ]),
      );
    });
}
