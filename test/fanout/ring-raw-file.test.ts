import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRing, resetRing } from '../../src/fanout/ring-layout.js';
import { RingReader } from '../../src/fanout/ring-reader.js';
import { RingWriter } from '../../src/fanout/ring-writer.js';
import { isData } from '../../src/images/extent.js';
import { tmpDir } from '../helpers/tmp.js';

const dir = tmpDir('gangflash-ring-raw-');
const CHUNK = 4096;

/** Reads the whole ring as consumer c; returns the bytes in order and the extents' offsets. */
async function drain(sab: SharedArrayBuffer, c: number): Promise<{ bytes: Buffer; offsets: number[] }> {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  for await (const e of new RingReader(sab, c)) {
    if (!isData(e)) throw new Error('a raw file published a fill item');
    offsets.push(e.offset);
    parts.push(Buffer.from(e.bytes.subarray(0, e.length)));
  }
  return { bytes: Buffer.concat(parts), offsets };
}

describe('RingWriter.writeRawFile', () => {
  it('every consumer sees every byte of a raw file in order, in chunk-sized items, through a ring smaller than the file', async () => {
    const file = path.join(dir, 'odd.bin');
    const content = crypto.randomBytes(CHUNK * 37 + 123);
    fs.writeFileSync(file, content);
    const ring = createRing({ slots: 4, chunkSize: CHUNK, consumers: 3 });
    resetRing(ring, [0, 1, 2]);
    const writing = new RingWriter(ring, { slowConsumerMs: Infinity }).writeRawFile(file);
    const seen = await Promise.all([0, 1, 2].map((c) => drain(ring.sab, c)));
    const stats = await writing;
    for (const s of seen) {
      expect(s.bytes.equals(content)).toBe(true);
      expect(s.offsets).toEqual(Array.from({ length: 38 }, (_, i) => i * CHUNK));
    }
    expect(stats).toMatchObject({ items: 38, dataBytes: content.length, fillBytes: 0, stopped: false });
  });

  it('an empty raw file publishes nothing and ends the ring', async () => {
    const file = path.join(dir, 'empty.bin');
    fs.writeFileSync(file, '');
    const ring = createRing({ slots: 2, chunkSize: CHUNK, consumers: 1 });
    resetRing(ring, [0]);
    const writing = new RingWriter(ring).writeRawFile(file);
    expect((await drain(ring.sab, 0)).bytes.length).toBe(0);
    expect(await writing).toMatchObject({ items: 0, dataBytes: 0 });
  });

  it('a missing file fails with image-not-found and aborts the ring', async () => {
    const ring = createRing({ slots: 2, chunkSize: CHUNK, consumers: 1 });
    resetRing(ring, [0]);
    await expect(new RingWriter(ring).writeRawFile(path.join(dir, 'nope.bin'))).rejects.toMatchObject({ code: 'image-not-found' });
    await expect(drain(ring.sab, 0)).rejects.toThrow();
  });
});
