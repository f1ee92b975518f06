import type { Pacer } from '../usb-board/pacer.js';
import type { BadBlockReport, NandoClient } from './client.js';

/**
 * Host-placed writing through the NANDO firmware, without its skip-bad-block flag: one WRITE_S session per run of
 * consecutive physical pages, pages streamed with the firmware's one-page acknowledgement window, and every session
 * closed by WRITE_E, a wait of the chip's program time and a VERSION round trip, because the firmware programs
 * asynchronously and may report the last page's failure after WRITE_E's OK (nand_programmer.c np_nand_handler).
 * Failures are collected as failed page rows: the firmware reports a failure at its write address, which it has
 * already advanced by one page (prog->addr += page_size after write_page_async), so the failed row is one before.
 */
export class NandoWriteSession {
  private nextRow = -1;
  private written = 0;
  private readonly rep: BadBlockReport = { skipped: [], failed: [] };

  /**
   * @param pageBytes bytes of one page as written (with the spare area when `flags` includes it)
   * @param endRow the row after the last row the session may reach from a given row (end of its good-block run)
   * @param settleMs how long a page program may take (from the datasheet), waited after WRITE_E
   */
  constructor(
    private readonly client: NandoClient,
    private readonly pacer: Pacer,
    private readonly pageBytes: number,
    private readonly flags: number,
    private readonly endRow: (row: number) => number,
    private readonly settleMs: number,
  ) {}

  /** Writes one whole page at physical `row`, opening a new session when `row` does not follow the last one. */
  async page(row: number, bytes: Uint8Array): Promise<void> {
    if (row !== this.nextRow) {
      await this.close();
      await this.client.writeStart(row * this.pageBytes, (this.endRow(row) - row) * this.pageBytes, this.flags);
      this.written = 0;
    }
    this.written += this.pageBytes;
    await this.client.writePage(bytes, this.written, this.rep);
    this.nextRow = row + 1;
  }

  /** Closes the open session (if any) and waits until the firmware has reported its last program. */
  async close(): Promise<void> {
    if (this.nextRow < 0) return;
    this.nextRow = -1;
    await this.client.writeEnd(this.rep);
    await this.pacer.sleep(this.settleMs);
    await this.client.sync(this.rep);
  }

  /** Rows of the pages the firmware reported as failed (its address minus one page). */
  failedRows(): number[] {
    return this.rep.failed.map((a) => Math.floor(a / this.pageBytes) - 1);
  }
}
