/**
 * Writing one image to every site's file at once, at the speed of the storage. The same bytes go to every file with
 * no per-site copy: contiguous data extents the source lets us hold (the fan-out ring, see extent-hold.ts) are
 * gathered into batches of up to `batchBytes` and written to each file with one `writev` of the original views;
 * up to `inFlight` batches are in the air at once, so no site waits for the others after every chunk. A batch's
 * views are released to their source only when every site's write of it ended. Each site's writes are chained
 * (one write per file at a time, like one `dd` per file: concurrent writes to one file only contend for its inode);
 * 8 files × 1 GiB: median 5.4 s chained against 5.85 s unchained (6 interleaved runs each; 8 `dd` 5.6 s). Fill runs are written from one
 * reused buffer, repeated in the writev list. A site whose write fails is dropped from later batches.
 */
import type fs from 'node:fs/promises';
import { isData, type Extent } from '../../images/extent.js';
import type { SiteFailure } from '../driver.js';
import { holdExtent } from '../../images/extent-hold.js';

/** One site being written. */
export interface WriteSite {
  site: number;
  path: string;
  handle: fs.FileHandle;
}

interface SiteState {
  unsynced: number;
  /** The site's last write: its next write starts after it (one write per file at a time, like dd). */
  tail: Promise<void>;
  syncing?: Promise<void>;
}

/** Sizes of the write pipeline. */
export interface WriteFanoutOptions {
  /** Bytes gathered into one writev per site. @default 4194304 (4 MiB, like `dd bs=4M`) */
  batchBytes?: number;
  /** Batches written at once (each to every site). @default 3 */
  inFlight?: number;
  /**
   * Bytes written to a site between two background `fdatasync`s of it (0: none, only the final sync). Off by default:
   * since the fan-out reads a raw image with readSync (src/fanout/ring-writer.ts writeRawFile), the image reads no
   * longer queue behind these syncs in libuv's pool, and 8 files × 1 GiB (write + final fsync) took 5.3–12.4 s
   * (median 6.3, 8 runs) without them against 7.5–13.9 s (median 9.4) with one every 64 MiB, interleaved, on a
   * shared 2-core host.
   * @default 0
   */
  syncEveryBytes?: number;
}

interface Batch {
  at: number;
  bytes: number;
  views: Uint8Array[];
  releases: (() => void)[];
}

const FILL_BYTES = 1 << 20;

/** Writes all of `views` (consecutive) at `position`, finishing a short writev piece by piece. */
async function writevAll(h: fs.FileHandle, views: Uint8Array[], position: number): Promise<void> {
  let skip = (await h.writev(views, position)).bytesWritten;
  let at = position;
  for (const v of views) {
    if (skip >= v.length) {
      skip -= v.length;
    } else {
      for (let done = skip; done < v.length; ) done += (await h.write(v, done, v.length - done, at + done)).bytesWritten;
      skip = 0;
    }
    at += v.length;
  }
}

/** The write side of one program(): feed it extents in order, then `finish()`; failures land in `fail`. */
export class WriteFanout {
  private writers: WriteSite[];
  private batch: Batch = { at: 0, bytes: 0, views: [], releases: [] };
  private readonly inFlight: Promise<void>[] = [];
  private readonly batchBytes: number;
  private readonly depth: number;
  private readonly fillBuf = new Uint8Array(FILL_BYTES);
  private fillValue = -1;
  private readonly syncEvery: number;
  private readonly state = new Map<number, SiteState>();

  constructor(sites: WriteSite[], private readonly fail: Map<number, SiteFailure>, opts: WriteFanoutOptions = {}) {
    this.writers = sites;
    this.batchBytes = opts.batchBytes ?? 4 << 20;
    this.depth = opts.inFlight ?? 3;
    this.syncEvery = opts.syncEveryBytes ?? 0;
    for (const l of sites) this.state.set(l.site, { unsynced: 0, tail: Promise.resolve() });
  }

  /** Sites still being written. */
  get live(): number {
    return this.writers.length;
  }

  /** Writes one extent to every live site (a fill extent is written as its bytes). */
  async write(e: Extent): Promise<void> {
    if (isData(e)) {
      const release = holdExtent(e);
      const bytes = e.bytes.subarray(0, e.length);
            if (release) return this.add(bytes, e.offset, release);
      // the view dies at the next extent: write it now and wait
      await this.flush();
      await this.drain();
      return this.send({ at: e.offset, bytes: e.length, views: [bytes], releases: [] }, true);
    }
    if (this.fillValue !== e.fill) {
      await this.flush();
      await this.drain(); // writes in the air may still read the fill buffer
      this.fillBuf.fill((this.fillValue = e.fill));
    }
    for (let at = 0; at < e.length; at += FILL_BYTES) await this.add(this.fillBuf.subarray(0, Math.min(FILL_BYTES, e.length - at)), e.offset + at);
  }

  /** Writes what is gathered, waits for every write, and releases every view. */
  async finish(): Promise<void> {
    await this.flush();
    await this.drain();
    await Promise.all([...this.state.values()].map((st) => st.syncing));
  }

  private async add(bytes: Uint8Array, at: number, release?: () => void): Promise<void> {
    if (this.batch.bytes > 0 && this.batch.at + this.batch.bytes !== at) await this.flush();
    const b = this.batch;
    if (b.bytes === 0) b.at = at;
    b.views.push(bytes);
    if (release) b.releases.push(release);
    b.bytes += bytes.length;
    if (b.bytes >= this.batchBytes) await this.flush();
  }

  /** Sends the gathered batch; waits while too many batches are in the air. */
  private async flush(): Promise<void> {
    const b = this.batch;
    if (b.bytes === 0) return;
    this.batch = { at: 0, bytes: 0, views: [], releases: [] };
    await this.send(b, false);
  }

  private async send(b: Batch, wait: boolean): Promise<void> {
    const done = Promise.all(
      this.writers.map((l) => {
        const st = this.state.get(l.site)!;
        st.tail = st.tail.then(() => (this.fail.has(l.site) ? undefined : writevAll(l.handle, b.views, b.at))).then(() => this.written(l, b.bytes), (e: Error) => {
          if (!this.fail.has(l.site)) this.fail.set(l.site, { code: 'program-failed', stage: 'program', message: `writing ${l.path} at ${b.at}: ${e.message}` });
        });
        return st.tail;
      }),
    ).then(() => {
      for (const r of b.releases) r();
      this.writers = this.writers.filter((l) => !this.fail.has(l.site));
    });
    if (wait) return done;
    this.inFlight.push(done);
    while (this.inFlight.length > this.depth) await this.inFlight.shift();
  }

  /** Counts bytes written to a site; starts a background fdatasync every `syncEveryBytes` (one at a time). */
  private written(l: WriteSite, bytes: number): void {
    const st = this.state.get(l.site)!;
    st.unsynced += bytes;
    if (this.syncEvery <= 0 || st.unsynced < this.syncEvery || st.syncing) return;
    st.unsynced = 0;
    st.syncing = l.handle.datasync().then(
      () => void (st.syncing = undefined),
      (e: Error) => {
        st.syncing = undefined;
        if (!this.fail.has(l.site)) this.fail.set(l.site, { code: 'program-failed', stage: 'program', message: `syncing ${l.path}: ${e.message}` });
      },
    );
  }

  private async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }
}
