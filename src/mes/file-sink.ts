import fs from 'node:fs';
import path from 'node:path';
import type { WireEnvelope } from './envelope.js';
import type { MesSink } from './sink.js';

/** The file sink: one JSON envelope per line, appended to `cfx-YYYY-MM-DD.ndjson` in a folder, synced before it counts. */
export class FileSink implements MesSink {
  readonly describe: string;

  constructor(private readonly folder: string) {
    this.describe = `file ${folder}`;
  }

  async send(batch: WireEnvelope[]): Promise<number> {
    if (batch.length === 0) return 0;
    // Asynchronous: the write and its fsync run on libuv's pool, never on the thread that records the run.
    await fs.promises.mkdir(this.folder, { recursive: true });
    const file = path.join(this.folder, `cfx-${new Date().toISOString().slice(0, 10)}.ndjson`);
    const fh = await fs.promises.open(file, 'a');
    try {
      await fh.write(batch.map((e) => e.text + '\n').join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
    return batch.length;
  }

  async close(): Promise<void> {}
}
