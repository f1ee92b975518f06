/** eMMC hardware partitions a job can write. */
export type EmmcPartition = 'user' | 'boot1' | 'boot2';

/** How NAND data is placed around bad blocks. */
export type NandScheme =
  | { kind: 'skip' }
  | { kind: 'partitions'; partitions: NandPartition[] };

/** One NAND partition: a block range with its share of the image; spare blocks are its reserve. */
export interface NandPartition {
  name: string;
  startBlock: number;
  blocks: number;
  /** Image range (bytes, of the expanded image) that goes into this partition. */
  imageOffset: number;
  imageLength: number;
}

/** Where and how a driver's program() places the stream. */
export interface ProgramTarget {
  /** eMMC partition. @default 'user' */
  partition?: EmmcPartition;
  /** NAND: the image holds page+spare interleaved. @default false */
  withSpare?: boolean;
  /** NAND: bad-block scheme. @default { kind: 'skip' } */
  nandScheme?: NandScheme;
  /** Skip fill extents whose value is the erased value (0xFF) when the chip allows. @default false */
  skipBlank?: boolean;
}
