import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FarmError } from '../../src/errors.js';
import { checkTarget } from '../../src/programmers/blockdev/index.js';
import { DirectReader } from '../../src/programmers/blockdev/direct-read.js';
import { createDriver } from '../../src/programmers/registry.js';
import { generateImage } from '../contract/image-stream.js';
import { tmpDir } from '../helpers/tmp.js';
import { emmcChip } from './chips.js';

const dir = tmpDir('gangflash-blockdev-');

/** The block device mounted on `/`, when the mount table names one that exists here. */
function rootDevice(): string | undefined {
  const line = fs.readFileSync('/proc/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === '/');
  const src = line?.split(' ')[0];
  return src && src.startsWith('/dev/') && fs.existsSync(src) && fs.statSync(src).isBlockDevice() ? src : undefined;
}

/** Thrown FarmError's code. */
function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FarmError);
    return (e as FarmError).code;
  }
  return undefined;
}

describe('blockdev targets', () => {
  const root = rootDevice();
  it.skipIf(!root)('refuses the mounted block device the system runs from', () => {
    expect(['target-is-system-disk', 'target-mounted']).toContain(refusal(() => checkTarget(root!)));
  });
  if (!root) console.log('skipped the root-device refusal: / is not mounted from a block device visible in /dev here');

  it('refuses a mounted path', () => {
    const mountPoint = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).find((m) => m && m !== '/' && fs.existsSync(m))!;
    expect(refusal(() => checkTarget(mountPoint))).toBe('target-mounted');
  });

  it('refuses a driver whose targets do not match its sites, naming both counts', () => {
    expect(() => createDriver({ name: 'b', driver: 'blockdev', model: 'm', serial: 'B', sites: 2, options: { targets: ['/tmp/x'] } })).toThrow(/options\.targets: lists 1 target\(s\) for 2 sites/);
  });

  it('opens the driver refusing a mounted target before any device is touched', async () => {
    const f = path.join(dir, 'ok.img');
    fs.writeFileSync(f, '');
    const d = createDriver({ name: 'b', driver: 'blockdev', model: 'm', serial: 'B', sites: 2, options: { targets: [f, '/proc'] } });
    await expect(d.open(emmcChip)).rejects.toThrow(/\/proc is a mount point/);
    expect(fs.statSync(f).size).toBe(0);
  });

  it('reports a missing target file as no-device', async () => {
    const d = createDriver({ name: 'b', driver: 'blockdev', model: 'm', serial: 'B', sites: 1, options: { targets: [path.join(dir, 'absent.img')] } });
    await d.open(emmcChip);
    await d.load([{ site: 0, device: 'X' }]);
    expect((await d.readId([0]))[0].failure?.code).toBe('no-device');
    await d.close();
    expect(fs.existsSync(path.join(dir, 'absent.img'))).toBe(false);
  });

  it('with skipBlank leaves 0xFF and dont-care regions as they were and writes the rest', async () => {
    const f = path.join(dir, 'skip.img');
    fs.writeFileSync(f, Buffer.alloc(300_000, 0xaa));
    const d = createDriver({ name: 'b', driver: 'blockdev', model: 'm', serial: 'B', sites: 1, options: { targets: [f], unitBytes: 65536 } });
    await d.open(emmcChip);
    await d.load([{ site: 0, device: 'X' }]);
    const img = generateImage([{ data: 70_000 }, { fill: 0xff, length: 80_000 }, { fill: 0, length: 50_000, dontCare: true }, { fill: 0x11, length: 30_000 }, { data: 1000 }]);
    expect((await d.program([0], img.extents(), { skipBlank: true }))[0].failure).toBeUndefined();
    expect((await d.verify([0]))[0].failure).toBeUndefined();
    const got = fs.readFileSync(f);
    const want = Buffer.from(img.bytes());
    expect(got.subarray(0, 70_000).equals(want.subarray(0, 70_000))).toBe(true);
    expect(got.subarray(70_000, 200_000).every((b) => b === 0xaa)).toBe(true);
    expect(got.subarray(200_000, 231_000).equals(want.subarray(200_000, 231_000))).toBe(true);
    await d.close();
  });

  it('reads plain files back with O_DIRECT where the filesystem allows it', () => {
    const f = path.join(dir, 'direct.img');
    fs.writeFileSync(f, Buffer.alloc(8192, 7));
    const r = new DirectReader(f, 65536, 'auto');
    console.log(`O_DIRECT read-back on ${path.dirname(f)}: ${r.direct ? 'used' : 'not supported, cached reads'}`);
    r.close();
    expect(typeof r.direct).toBe('boolean');
  });
});
