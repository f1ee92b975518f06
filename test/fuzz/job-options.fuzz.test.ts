import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GangflashError, JobError, LayoutError } from '../../src/errors.js';
import { defaultCatalogPaths } from '../../src/catalog/load.js';
import { readCatalogs } from '../../src/catalog/read-files.js';
import { checkSerialPlacement, formatSerial, parseSerialSpec } from '../../src/jobs/serial.js';
import { OPS, parseOps } from '../../src/jobs/spec.js';
import { buildJobSpec } from '../../src/jobs/build-spec.js';
import type { ImagePin } from '../../src/jobs/image-pin.js';
import { parseExtCsd } from '../../src/layout/ext-csd.js';
import { parsePartitionTable } from '../../src/layout/partition-table.js';
import { tmpDir } from '../helpers/tmp.js';
import { TEST_TIMEOUT, applyJsonEdits, applyTextEdits, fuzz, jsonEdits, nastyValue, parsesOrOwnError, textEdits } from './fuzz-kit.js';

const dir = tmpDir('gangflash-fuzz-job-');
const chips = readCatalogs(defaultCatalogPaths).chips;
const emmc = chips.filter((c) => c.kind === 'emmc');
const nand = chips.filter((c) => c.kind === 'nand' || c.kind === 'spi-nand');

const serialSpec = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc
    .tuple(fc.oneof(fc.constantFrom('', 'SN', 'A-', 'x@', 'x:', ':', '@', 'é'), fc.string({ maxLength: 5 })), fc.oneof(fc.stringMatching(/^\d{1,25}$/), fc.constant('')), fc.option(fc.oneof(fc.stringMatching(/^\d{1,20}$/), fc.string({ maxLength: 4 }))), fc.option(fc.oneof(fc.stringMatching(/^(0x[0-9a-fA-F]{1,20}|\d{1,20})$/), fc.string({ maxLength: 4 }))))
    .map(([p, d, step, at]) => `${p}${d}${step === null ? '' : `:${step}`}${at === null ? '' : `@${at}`}`),
);
const opsText = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.oneof(fc.constantFrom(...OPS, 'ID', ' verify ', '', 'erase2', 'toString'), fc.string({ maxLength: 4 })), { maxLength: 7 }).map((a) => a.join(',')));
const extCsdArg = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc
    .tuple(fc.constantFrom('BOOT_PARTITION_CONFIG', 'PARTITION_CONFIG', 'BOOT_ACK', 'BOOT_PARTITION_ENABLE', 'PARTITION_ACCESS', 'BOOT_BUS_CONDITIONS', 'BOOT_MODE', 'BOOT_BUS_WIDTH', 'RESET_BOOT_BUS_CONDITIONS', '179', '0xB3', '177', '0', '999', 'toString', '__proto__', 'boot_ack'), fc.oneof(fc.constantFrom('0', '1', '2', '3', '7', '0x48', '0xff', '256', '-1', '', '0x', '1e2', '99999999999999999999'), fc.string({ maxLength: 4 })))
    .map(([k, v]) => `${k}=${v}`),
);
const partitionTable = { table: [{ name: 'boot', startBlock: 0, blocks: 8, imageOffset: 0, imageLength: '0x20000' }, { name: 'rootfs', startBlock: '16', blocks: 100, imageOffset: 131072, imageLength: 1048576 }] };
const tableText = fc.oneof(
  jsonEdits.map((e) => JSON.stringify((applyJsonEdits(partitionTable, e) as { table?: unknown } | null)?.table ?? null) ?? ''),
  textEdits.map((e) => applyTextEdits(JSON.stringify(partitionTable.table), e)),
  nastyValue.map((v) => JSON.stringify(v) ?? ''),
);
const size = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(0, 1, 2048, 2112, 131072, 135168, 2 ** 30, 2 ** 33, 2 ** 53 - 1));
const pin = (p: string, n: number): ImagePin => ({ path: path.join(dir, p), sha256: '0'.repeat(64), format: 'raw', gzip: false, size: n });

describe('fuzz: job options', () => {
  it('--serial: any text parses into a rule whose numbers format back, or fails with a JobError', async () => {
    await fuzz(
      fc.property(serialSpec, fc.nat(), fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), (text, k, usable, overwrite) => {
        const r = parsesOrOwnError(() => parseSerialSpec(text), text);
        if (r instanceof GangflashError) return void expect(r).toBeInstanceOf(JobError);
        expect(Number.isSafeInteger(r.start) && r.step >= 1).toBe(true);
        expect(formatSerial(r, r.start).endsWith(String(r.start))).toBe(true);
        expect(formatSerial(r, r.start + k * r.step).length).toBeGreaterThanOrEqual(r.prefix.length + r.width);
        parsesOrOwnError(() => checkSerialPlacement(r, { usableBytes: usable, imageBytes: Math.floor(usable / 2), overwrite }), [text, usable]);
      }),
    );
  }, TEST_TIMEOUT);

  it('--ops: any text parses into an ordered subset of the operations or fails with a JobError', async () => {
    await fuzz(
      fc.property(opsText, (text) => {
        const r = parsesOrOwnError(() => parseOps(text), text);
        if (r instanceof GangflashError) return void expect(r).toBeInstanceOf(JobError);
        expect(r.map((o) => OPS.indexOf(o))).toEqual([...r.map((o) => OPS.indexOf(o))].sort((a, b) => a - b));
      }),
    );
  }, TEST_TIMEOUT);

  it('--ext-csd: any K=V list gives writes of bytes 0..255 or fails with a LayoutError', async () => {
    await fuzz(
      fc.property(fc.array(extCsdArg, { maxLength: 4 }), fc.constantFrom(...emmc), fc.boolean(), fc.boolean(), (args, chip, boot1, boot2) => {
        const r = parsesOrOwnError(() => parseExtCsd(args, chip, { boot1, boot2 }), args);
        if (r instanceof GangflashError) return void expect(r).toBeInstanceOf(LayoutError);
        for (const w of r) expect(Number.isInteger(w.value) && w.value >= 0 && w.value <= 255).toBe(true);
      }),
    );
  }, TEST_TIMEOUT);

  it('partition tables: any text parses into whole-number entries or fails with a LayoutError', async () => {
    await fuzz(
      fc.property(tableText, (text) => {
        const r = parsesOrOwnError(() => parsePartitionTable(text, 'parts.json'), text);
        if (r instanceof GangflashError) return void expect(r).toBeInstanceOf(LayoutError);
        for (const p of r) for (const k of ['startBlock', 'blocks', 'imageOffset', 'imageLength'] as const) expect(Number.isSafeInteger(p[k]) && p[k] >= 0).toBe(true);
      }),
    );
  }, TEST_TIMEOUT);

  it('a whole job (chip, image sizes, ops, NAND scheme, eMMC boot and EXT_CSD, serial, fill) validates or fails with a JobError or LayoutError', async () => {
    let n = 0;
    await fuzz(
      fc.property(
        fc.oneof(fc.constantFrom(...nand), fc.constantFrom(...emmc), fc.constantFrom(...chips)),
        size,
        fc.record(
          {
            ops: opsText,
            serial: serialSpec,
            serialOverwrite: fc.boolean(),
            extCsd: fc.array(extCsdArg, { maxLength: 3 }),
            withSpare: fc.boolean(),
            fill: fc.oneof(fc.integer({ min: -2, max: 300 }), fc.constantFrom(0.5, 2 ** 40)),
            nandScheme: fc.oneof(fc.constant('skip'), tableText.map((t) => ({ table: t })), fc.string({ maxLength: 12 })),
          },
          { requiredKeys: [] },
        ),
        fc.option(size),
        fc.option(size),
        (chip, imageSize, o, b1, b2) => {
          let nandScheme = o.nandScheme as string | { table: string } | undefined;
          if (typeof nandScheme === 'object') {
            const f = path.join(dir, `parts-${n++ % 8}.json`);
            fs.writeFileSync(f, nandScheme.table);
            nandScheme = `partitions:${f}`;
          }
          const opts = { name: 'fuzz', chip: chip.part, image: 'image.bin', ...o, nandScheme, emmcBoot1: b1 === null ? undefined : 'b1.bin', emmcBoot2: b2 === null ? undefined : 'b2.bin' };
          const images = { image: pin('image.bin', imageSize), boot1: b1 === null ? undefined : pin('b1.bin', b1), boot2: b2 === null ? undefined : pin('b2.bin', b2) };
          const r = parsesOrOwnError(() => buildJobSpec(chip, opts, images), { chip: chip.part, opts, images });
          if (r instanceof GangflashError) expect([JobError, LayoutError].some((c) => r instanceof c)).toBe(true);
        },
      ),
    );
  }, TEST_TIMEOUT);
});
