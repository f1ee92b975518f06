import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { root, runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-trace-');
const schema = JSON.parse(fs.readFileSync(path.join(root, 'docs/trace.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true }).compile(schema);

describe('gangflash trace', () => {
  const demo = runCli(['demo', '--dir', dir, '--speed', 'unlimited', '--devices', '48', '--json'], { env: { GANGFLASH_OPERATOR: 'op.trace' } });
  const dbFile = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.db'))!);

  it('a serial value of a demo lot leads to its device with lot, reel, date code, chip, job, image and every insertion', () => {
    expect(demo.code, demo.stderr).toBe(0);
    const db = openDb(dbFile, { create: false });
    const d = db.prepare("SELECT lot_id, reel_id, seq, serial FROM devices WHERE serial IS NOT NULL ORDER BY seq LIMIT 1").get() as { lot_id: string; reel_id: string; seq: number; serial: string };
    db.close();
    const r = runCli(['--db', dbFile, 'trace', d.serial, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { devices: Record<string, unknown>[] };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.devices).toHaveLength(1);
    const dev = doc.devices[0] as Record<string, any>;
    expect(dev).toMatchObject({ lot: d.lot_id, reel: d.reel_id, seq: d.seq, result: 'pass', serial: d.serial, chip: expect.any(String), dateCode: expect.any(String) });
    expect(dev.job).toMatchObject({ name: 'demo-emmc-os', version: 1 });
    expect(dev.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(dev.serials).toEqual([expect.objectContaining({ rule: 'demo-emmc-os', value: d.serial, state: 'committed' })]);
    expect(dev.serials[0].fields[0].writes[0]).toEqual({ offset: 0x3000000, hex: Buffer.from(d.serial).toString('hex').toUpperCase() });
    const last = dev.attempts.at(-1);
    expect(last).toMatchObject({ result: 'pass', serial: d.serial, programmer: expect.stringMatching(/^sim-/), adapter: expect.any(String), adapterInsertions: expect.any(Number), operator: 'op.trace', engineering: false, gangflashVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(last.adapterInsertions).toBeGreaterThan(0);
    const text = runCli(['--db', dbFile, 'trace', d.serial]);
    expect(text.stdout).toContain(`device ${d.lot_id}:${d.reel_id}:${d.seq}`);
    expect(text.stdout).toContain('job demo-emmc-os@1');
  });

  it('--device LOT:REEL:SEQ traces a device by position, failed ones included', () => {
    const db = openDb(dbFile, { create: false });
    const f = db.prepare("SELECT lot_id, reel_id, seq, failure_code FROM devices WHERE result = 'fail' LIMIT 1").get() as { lot_id: string; reel_id: string; seq: number; failure_code: string };
    db.close();
    const r = runCli(['--db', dbFile, 'trace', '--device', `${f.lot_id}:${f.reel_id}:${f.seq}`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { devices: { result: string; failureCode: string; attempts: unknown[] }[] };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.devices[0]).toMatchObject({ result: 'fail', failureCode: f.failure_code });
    expect(doc.devices[0].attempts.length).toBeGreaterThan(0);
  });

  it('an unknown value or device is exit 1 with a message, never a stack trace', () => {
    const a = runCli(['--db', dbFile, 'trace', 'NOPE-0001']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/serial NOPE-0001 was never issued/);
    const b = runCli(['--db', dbFile, 'trace', '--device', 'L:R:x']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/expected LOT:REEL:SEQ/);
    const c = runCli(['--db', dbFile, 'trace']);
    expect(c.code).toBe(1);
    expect(`${a.stderr}${b.stderr}${c.stderr}`).not.toMatch(/\n\s+at /);
  });
});
