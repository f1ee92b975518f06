// A small builder of synthetic gangflash databases for the planning, report and serve tests.
import path from 'node:path';
import { openDb, type Db } from '../../src/db/open.js';

/** Chip fields a test may set; the rest get plausible defaults. */
export interface ChipSpec {
  part: string;
  kind: 'nand' | 'spi-nand' | 'emmc' | 'spi-nor' | 'mcu';
  package: string;
  w: number;
  l: number;
  pitch: number;
  geometry: object;
  timings: object;
  defectRate?: number;
  capacity?: number;
}

/** Options of one synthetic attempt (and, with `final`, its device row). */
export interface AttemptSpec {
  lot: string;
  reel?: string;
  seq: number;
  attempt?: number;
  programmer: number;
  site: number;
  adapter: number | null;
  start: string;
  durationSec: number;
  result: 'pass' | 'fail';
  code?: string;
  stage?: string;
  serial?: string;
  /** Also write the device row (this is the device's final attempt). @default true */
  final?: boolean;
}

/** Builds rows in a fresh database under `dir`. */
export function fixture(dir: string, name = 'fixture.db') {
  const db: Db = openDb(path.join(dir, name));
  let programmers = 0;
  let adapters = 0;
  let jobs = 0;
  const api = {
    db,
    family(family: string, kinds: string[]) {
      db.prepare('INSERT INTO programmer_families VALUES (?, ?, ?)').run(family, JSON.stringify(kinds), `${family} test family`);
      return api;
    },
    model(model: string, family: string, sites: number) {
      db.prepare("INSERT INTO programmer_models (model, family, driver, sites, description) VALUES (?, ?, 'sim', ?, 'test')").run(model, family, sites);
      return api;
    },
    chip(c: ChipSpec) {
      db.prepare(
        `INSERT INTO chips VALUES (@part, 'TestVendor', @kind, @package, @w, @l, @pitch, @capacity, 'aabb', @geometry, @timings, @defectRate, 'test datasheet', 'test.json')`,
      ).run({ ...c, capacity: c.capacity ?? 1 << 30, geometry: JSON.stringify(c.geometry), timings: JSON.stringify(c.timings), defectRate: c.defectRate ?? 0 });
      return api;
    },
    adapterType(t: { id: string; package: string; w: number; l: number; pitch: number; sites?: number; rated: number; families: string[]; price?: number }) {
      db.prepare("INSERT INTO adapter_types (id, name, vendor, package, pitch_mm, sites, rated_insertions, source, catalog_file, price) VALUES (?, ?, 'TestCo', ?, ?, ?, ?, 'test', 'test.json', ?)")
        .run(t.id, `${t.id} adapter`, t.package, t.pitch, t.sites ?? 1, t.rated, t.price ?? null);
      db.prepare('INSERT INTO adapter_fits VALUES (?, ?, ?, ?, ?)').run(t.id, t.package, t.w, t.l, t.pitch);
      for (const f of t.families) db.prepare('INSERT INTO adapter_families VALUES (?, ?)').run(t.id, f);
      return api;
    },
    /** Adds a programmer with all its sites enabled; returns its id. */
    programmer(name: string, model: string, sites: number): number {
      const id = ++programmers;
      db.prepare("INSERT INTO programmers (id, name, driver, model, serial, sites) VALUES (?, ?, 'sim', ?, ?, ?)").run(id, name, model, `SN-${name}`, sites);
      for (let s = 0; s < sites; s++) db.prepare('INSERT INTO sites (programmer_id, site) VALUES (?, ?)').run(id, s);
      return id;
    },
    disableSite(programmer: number, site: number) {
      db.prepare("UPDATE sites SET enabled = 0, disabled_reason = 'test' WHERE programmer_id = ? AND site = ?").run(programmer, site);
      return api;
    },
    /** Adds an adapter, mounted when programmer/site are given; returns its id. */
    adapter(serial: string, type: string, at?: { programmer: number; site: number }, o: { prior?: number; since?: string; status?: 'ok' | 'retired' } = {}): number {
      const id = ++adapters;
      db.prepare(
        'INSERT INTO adapters (id, serial, adapter_type, programmer_id, site, status, socket_since, prior_insertions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(id, serial, type, at?.programmer ?? null, at?.site ?? null, o.status ?? 'ok', o.since ?? '2020-01-01T00:00:00.000Z', o.prior ?? 0);
      return id;
    },
    /** Adds an image, a job, a lot and one reel of `qty`; returns the lot id. */
    lot(lot: string, chip: string, o: { sha?: string; qty?: number; reel?: string; created?: string } = {}): string {
      const sha = o.sha ?? 'ab'.repeat(32);
      db.prepare("INSERT OR IGNORE INTO images (sha256, path, format, size) VALUES (?, '/tmp/x.img', 'raw', 1024)").run(sha);
      const job = ++jobs;
      db.prepare("INSERT INTO jobs (id, name, version, chip, image_sha256, spec) VALUES (?, ?, 1, ?, ?, '{}')").run(job, `job-${job}`, chip, sha);
      db.prepare('INSERT INTO lots (id, job_id, chip, created_at) VALUES (?, ?, ?, ?)').run(lot, job, chip, o.created ?? '2026-01-01T00:00:00.000Z');
      db.prepare("INSERT INTO reels VALUES (?, ?, ?, ?, '2601')").run(lot, o.reel ?? 'R1', chip, o.qty ?? 100);
      return lot;
    },
    /** Adds one attempt (and by default its device row as the final result); returns the attempt id. */
    attempt(a: AttemptSpec): number {
      const end = new Date(Date.parse(a.start) + a.durationSec * 1000).toISOString();
      // Attempts are written only under a live programmer lease (migration 005): hold the programmer as a run would.
      db.prepare("INSERT OR IGNORE INTO programmer_leases (programmer_id, epoch, holder) VALUES (?, 1, 'fixture')").run(a.programmer);
      const r = db
        .prepare(
          `INSERT INTO attempts (lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, failure_code, stage, serial, lease_epoch)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
        )
        .run(a.lot, a.reel ?? 'R1', a.seq, a.attempt ?? 1, a.programmer, a.site, a.adapter, a.start, end, a.result, a.code ?? null, a.stage ?? null, a.serial ?? null);
      if (a.final ?? true) {
        db.prepare('INSERT INTO devices (lot_id, reel_id, seq, result, failure_code, serial, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          a.lot, a.reel ?? 'R1', a.seq, a.result, a.result === 'fail' ? (a.code ?? 'program-failed') : null, a.serial ?? null, end,
        );
      }
      return Number(r.lastInsertRowid);
    },
  };
  return api;
}

/** The fixture builder's type. */
export type Fixture = ReturnType<typeof fixture>;

/** An eMMC part like a 16 GB BGA153 11.5x13 device, with a write speed of 20 MB/s for easy arithmetic. */
export const EMMC: ChipSpec = {
  part: 'TEST-EMMC16',
  kind: 'emmc',
  package: 'BGA153',
  w: 11.5,
  l: 13,
  pitch: 0.5,
  geometry: { userBytes: 16e9, bootBytes: 4 << 20, rpmbBytes: 4 << 20, eraseGroupBytes: 512 << 10 },
  timings: { writeBytesPerSec: 20_000_000 },
  defectRate: 0.01,
};

/** A parallel NAND part: 2 KiB pages, 64 pages a block, tProg 300 µs, tErase 2 ms. */
export const NAND: ChipSpec = {
  part: 'TEST-NAND1G',
  kind: 'nand',
  package: 'TSOP48',
  w: 12,
  l: 20,
  pitch: 0.5,
  geometry: { pageSize: 2048, spareSize: 64, pagesPerBlock: 64, blocks: 1024, minValidBlocks: 1004, badBlockMarker: { pages: [0], spareOffset: 0 } },
  timings: { tProgUs: 300, tEraseUs: 2000 },
  defectRate: 0.02,
};

/** A SPI NOR part: 256 B pages, 4 KiB sectors, tProg 700 µs, tErase 45 ms. */
export const NOR: ChipSpec = {
  part: 'TEST-NOR128',
  kind: 'spi-nor',
  package: 'SOIC8',
  w: 5.28,
  l: 5.28,
  pitch: 1.27,
  geometry: { pageSize: 256, sectorSize: 4096, blockSize: 65536, sectors: 4096 },
  timings: { tProgUs: 700, tEraseUs: 45_000 },
};
