import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { startDashboard } from '../../src/serve/server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';

// Hostile files and numbers: refused at once with gangflash's own error (exit 1), never minutes of work, a crash
// (RangeError, std::bad_alloc), a hang on a pipe, or text taken as a number or an image. The CLI calls carry a
// 60 s timeout: before the fixes the sparse and gzip cases ran for minutes and the FIFO blocked for ever.
const dir = tmpDir('gangflash-hostile-');
const db = path.join(dir, 'g.db');
const gf = (...args: string[]): CliResult => runCli(['--db', db, ...args], { timeoutMs: 60_000 });

function expectRefused(r: CliResult, code: string): void {
  expect(r.code, `${r.stderr}${r.stdout.slice(0, 300)}`).toBe(EXIT.userError);
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr).not.toMatch(/internal error|RangeError|\n\s+at /);
}

/** A sparse image of 44 bytes: one FILL chunk claiming `blocks` blocks of 4096 bytes. */
function sparseBomb(blocks: number, totalChunks = 1): Buffer {
  const h = Buffer.alloc(28 + 16);
  h.writeUInt32LE(0xed26ff3a, 0);
  h.writeUInt16LE(1, 4);
  h.writeUInt16LE(0, 6);
  h.writeUInt16LE(28, 8);
  h.writeUInt16LE(12, 10);
  h.writeUInt32LE(4096, 12);
  h.writeUInt32LE(blocks, 16);
  h.writeUInt32LE(totalChunks, 20);
  h.writeUInt16LE(0xcac2, 28);
  h.writeUInt32LE(blocks, 32);
  h.writeUInt32LE(16, 36);
  h.writeUInt32LE(0x5a5a5a5a, 40);
  return h;
}

beforeAll(() => {
  expect(gf('db', 'init').code).toBe(0);
});

describe('bounded work on hostile images', () => {
  it('a 44-byte sparse image whose FILL chunk claims 0xFFFFFFFF blocks is refused at once by image inspect and job create (image-too-large)', () => {
    const f = path.join(dir, 'bomb.simg');
    fs.writeFileSync(f, sparseBomb(0xffffffff));
    expectRefused(gf('image', 'inspect', f), 'image-too-large');
    const r = gf('job', 'create', '--name', 'bomb', '--chip', 'KLM8G1GETF-B041', '--image', f);
    expectRefused(r, 'image-too-large');
    expect(r.stderr).toMatch(/declares 4294967295 blocks of 4096 bytes/);
  });

  it('a sparse header declaring more chunks than the file can hold is refused before reading them', () => {
    const f = path.join(dir, 'chunks.simg');
    fs.writeFileSync(f, sparseBomb(16, 0x7fffffff));
    expectRefused(gf('image', 'inspect', f), 'sparse-bad-header');
  });

  it('a gzip bomb is stopped once it expands past the chip capacity, while streaming (image-too-large)', () => {
    const f = path.join(dir, 'bomb.gz');
    fs.writeFileSync(f, zlib.gzipSync(Buffer.alloc(64 << 20), { level: 9 })); // 64 MiB of zeros in ~64 KiB
    const r = gf('job', 'create', '--name', 'gz', '--chip', 'W25Q16JVSNIQ', '--image', f); // a 2 MiB SPI NOR
    expectRefused(r, 'image-too-large');
    expect(r.stderr).toMatch(/expands past byte 2097152/);
    expectRefused(gf('image', 'inspect', f, '--max-size', '1M'), 'image-too-large');
  });

  it('an Intel HEX file with a corrupt first line is an Intel HEX error naming the line, never a raw image', () => {
    const f = path.join(dir, 'corrupt.hex');
    fs.writeFileSync(f, ':10000000ZZ0102030405060708090A0B0C0D0E0F10\n:00000001FF\n');
    const r = gf('image', 'inspect', f, '--json');
    expect(r.code, r.stdout).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/corrupt\.hex:1: /);
    expect(r.stdout).not.toContain('"format": "raw"');
  });
});

describe('lot import refuses what is not a reel file before reading it', () => {
  it('a FIFO, /dev/zero and /dev/urandom are refused at once with import-not-a-file', () => {
    const fifo = path.join(dir, 'reels.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const f of [fifo, '/dev/zero', '/dev/urandom']) expectRefused(gf('lot', 'import', f), 'import-not-a-file');
  });

  it('a file over the documented 64 MiB is refused with import-too-large', () => {
    const f = path.join(dir, 'huge.csv');
    fs.writeFileSync(f, 'lot,reel,part,quantity,date_code,job\n');
    fs.truncateSync(f, 64 * 1024 * 1024 + 1); // sparse: no 64 MiB written
    expectRefused(gf('lot', 'import', f), 'import-too-large');
  });
});

describe('numbers are parsed strictly: decimal integers within documented ranges', () => {
  it('plan --qty 1e99, 1e3 and 0x10, and adapters forecast --weeks 1e9, exit 1 naming the option, never a RangeError', () => {
    const img = path.join(dir, 'img.bin');
    fs.writeFileSync(img, Buffer.alloc(4096, 1));
    for (const q of ['1e99', '1e3', '0x10', '12.0', '-1', '99999999999']) {
      const r = gf('plan', '--chip', 'KLM8G1GETF-B041', '--image', img, '--qty', q);
      expectRefused(r, 'bad-number');
      expect(r.stderr).toContain(`--qty ${q}`);
    }
    expectRefused(gf('adapters', 'forecast', '--weeks', '1e9'), 'bad-number');
    expectRefused(gf('adapters', 'forecast', '--weeks', '0x10'), 'bad-number');
    expectRefused(gf('programmers', 'add', '--name', 'x', '--driver', 'sim', '--model', 'sim-gang', '--serial', 'X', '--sites', '1e1'), 'bad-number');
  });

  it('serve answers 400 for a number in a query string that is not a decimal integer in range, never 500', async () => {
    const d = await startDashboard({ dbFile: db, port: 0, pollMs: 60_000 });
    const get = (u: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) =>
        http.get(`${d.url}${u}`, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
        }).on('error', reject),
      );
    try {
      for (const u of ['api/adapters?weeks=1e9', 'api/adapters?weeks=0x10', 'api/plan?chip=KLM8G1GETF-B041&qty=1e99&imageBytes=4096', 'api/plan?chip=KLM8G1GETF-B041&qty=1e3&imageBytes=4096', 'api/plan?chip=KLM8G1GETF-B041&qty=5&imageBytes=1e9']) {
        const r = await get(u);
        expect(r.status, `${u}: ${r.body}`).toBe(400);
        expect(JSON.parse(r.body).error.code, u).toBe('bad-number');
      }
      expect((await get('api/adapters?weeks=4')).status).toBe(200);
    } finally {
      await d.close();
    }
  });
});

describe('reel files: strict quantities, one column per field, a BOM accepted in JSON as in CSV', () => {
  const head = 'lot,reel,part,quantity,date_code,job';
  beforeAll(() => {
    const img = path.join(dir, 'job.bin');
    fs.writeFileSync(img, Buffer.alloc(16 << 10, 3));
    expect(gf('job', 'create', '--name', 'job', '--chip', 'KLM8G1GETF-B041', '--image', img).code).toBe(0);
  });
  const importText = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return gf('lot', 'import', f, '--json');
  };

  it('quantities 1e3, 0x10, 12.0, JSON true and [7] are refused naming the row; decimal text and JSON whole numbers are taken', () => {
    for (const q of ['1e3', '0x10', '12.0', '+5']) {
      const r = importText(`q-${q}.csv`, `${head}\nLQ,R1,KLM8G1GETF-B041,${q},2447,job\n`);
      expectRefused(r, 'import-rejected');
      expect(r.stderr).toMatch(/row 2: quantity is not a whole decimal number/);
    }
    for (const q of [true, [7], '1e3', 12.5]) {
      const r = importText(`q-${JSON.stringify(q)}.json`, JSON.stringify([{ lot: 'LQ', reel: 'R1', part: 'KLM8G1GETF-B041', quantity: q, date_code: '2447', job: 'job' }]));
      expectRefused(r, 'import-rejected');
      expect(r.stderr).toMatch(/row 1: quantity is not a whole decimal number/);
    }
    expect(importText('q-ok.json', JSON.stringify([{ lot: 'LQ', reel: 'R1', part: 'KLM8G1GETF-B041', quantity: 12, date_code: '2447', job: 'job' }, { lot: 'LQ', reel: 'R2', part: 'KLM8G1GETF-B041', qty: ' 30 ', date_code: '2447', job: 'job' }])).code).toBe(0);
  });

  it('a CSV naming a column twice (or two spellings of one field) is refused at line 1', () => {
    expectRefused(importText('dup.csv', `${head},quantity\nLD,R1,KLM8G1GETF-B041,10,2447,job,99999\n`), 'import-csv');
    const r = importText('alias.csv', `${head},qty\nLD,R1,KLM8G1GETF-B041,10,2447,job,99999\n`);
    expectRefused(r, 'import-csv');
    expect(r.stderr).toMatch(/alias\.csv:1: the header names column "qty" twice \(also as "quantity"\)/);
    const j = importText('dup.json', JSON.stringify([{ lot: 'LD', reel: 'R1', part: 'KLM8G1GETF-B041', quantity: 10, qty: 99999, date_code: '2447', job: 'job' }]));
    expectRefused(j, 'import-rejected');
    expect(j.stderr).toMatch(/"qty" and "quantity" both give quantity/);
  });

  it('a JSON reel file that starts with a byte-order mark is imported like a CSV with one', () => {
    const r = importText('bom.json', `\uFEFF${JSON.stringify([{ lot: 'LB', reel: 'R1', part: 'KLM8G1GETF-B041', quantity: 5, date_code: '2447', job: 'job' }])}`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ reelsAdded: 1, lotsAdded: ['LB'] });
    expect(importText('bom.csv', `\uFEFF${head}\nLB,R2,KLM8G1GETF-B041,5,2447,job\n`).code).toBe(0);
  });
});
