import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { startDashboard } from '../../src/serve/server.js';
import { lotFixture } from '../helpers/lot-fixture.js';
import { runCli } from '../helpers/cli.js';
import { tmpDir } from '../helpers/tmp.js';
import { fillDisk, mountSmallFs } from './small-fs.js';

const dir = tmpDir('gangflash-serve-start-');
const small = mountSmallFs(16 * 1024);
afterAll(() => {
  if (small.dir !== null) small.unmount();
});

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

/** Overwrites pages 2..4 of a database with garbage (a damaged file SQLite can still open). */
function damagePages(file: string): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, 4096 * 2);
  fs.closeSync(fd);
}

describe('serve checks the database at start like every other command', () => {
  it('serve on a zero-length database file exits 1 with "database damaged", not a dashboard over nothing', () => {
    const file = path.join(dir, 'empty.db');
    fs.writeFileSync(file, '');
    const r = runCli(['--db', file, 'serve', '--port', '0'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(EXIT.userError);
    expect(r.stderr).toContain('[db-damaged]');
  });

  it('serve on a database with damaged pages exits 1 with "database damaged" naming the file', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'pages'), devices: 5, imageBytes: 16 << 10 });
    damagePages(dbFile);
    const r = runCli(['--db', dbFile, 'serve', '--port', '0'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(EXIT.userError);
    expect(r.stderr).toMatch(/is not a readable gangflash database .*\[db-damaged\]/);
  });

  it('a database damaged while the dashboard runs is answered with 503 db-damaged on every route, never 500', async () => {
    const { dbFile } = await lotFixture({ dir: path.join(dir, 'live'), devices: 5, imageBytes: 16 << 10 });
    const d = await startDashboard({ dbFile, port: 0, pollMs: 60_000 });
    try {
      damagePages(dbFile);
      for (const route of ['api/farm', 'api/lots', 'api/lots/LOT-1', 'api/adapters', 'api/chips', 'api/images', 'api/plan?chip=KLM8G1GETF-B041&qty=10&imageBytes=4096']) {
        const r = await get(`${d.url}${route}`);
        expect(r.status, `${route}: ${r.body}`).not.toBe(500);
        if (r.status !== 200) expect(r.body, route).toMatch(/db-damaged|db-unavailable|"code"/);
      }
    } finally {
      await d.close();
    }
  });
});

describe.skipIf(small.dir === null)('a run started on a full disk says what happened', () => {
  it('when the disk is full before the first cycle, run exits 5 saying no device was programmed, never "stopped after the cycle in flight"', async () => {
    let sawNoCycle = 0;
    for (const leave of [32, 40, 48, 56, 64]) {
      const base = path.join(small.dir as string, `full-${leave}`);
      const { dbFile } = await lotFixture({ dir: base, devices: 20, imageBytes: 16 << 10, serial: 'SN0001@0x100000' });
      const filler = fillDisk(base, leave);
      const r = runCli(['--db', dbFile, 'run', '--lot', 'LOT-1', '--json', '--speed', 'unlimited']);
      fs.rmSync(filler);
      expect(r.code, r.stderr).toBe(EXIT.dbWrite);
      if (!r.stdout.includes('"type":"cycle-start"')) {
        sawNoCycle++;
        expect(r.stderr, `${leave} KiB left`).toMatch(/the disk is full\); no device was programmed/);
        expect(r.stderr, `${leave} KiB left`).not.toMatch(/after the cycle in flight/);
      }
      fs.rmSync(base, { recursive: true, force: true });
    }
    expect(sawNoCycle).toBeGreaterThan(0);
  });
});
