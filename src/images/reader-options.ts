/** Options every format reader receives (resolved: no defaults left open). */
export interface ReaderOptions {
  /** Byte value of regions no record covers (HEX/S-record gaps). */
  fill: number;
  /** Size of read and assembly buffers in bytes. */
  chunkSize: number;
}
