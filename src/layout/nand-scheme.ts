import { nandGeometry, type Chip } from '../catalog/chip.js';
import type { NandPartition, NandScheme } from './target.js';
import { LayoutError } from '../errors.js';

/** A block range of the chip and the run of image blocks it holds; spare blocks beyond them are its reserve. */
export interface NandRegion {
  /** Partition name, or `chip` for the whole-chip `skip` scheme. */
  name: string;
  startBlock: number;
  blocks: number;
  /** Index of the region's first image block (image offset / image block bytes). */
  firstImageBlock: number;
  /** Image blocks the region holds (a partial last block counts as one). */
  imageBlocks: number;
  /** Blocks that may go bad before the region's data no longer fits: blocks − imageBlocks. */
  reserve: number;
}

/** Where the scheme came from, for messages (e.g. the partition-table file). */
export interface SchemeSource {
  /** File the partitions were read from. @default undefined */
  file?: string;
}

/** The chip's single `skip` region: the whole array, data moved past bad blocks. */
function skipRegion(blocks: number, imageBlocks: number): NandRegion {
  return { name: 'chip', startBlock: 0, blocks, firstImageBlock: 0, imageBlocks, reserve: blocks - imageBlocks };
}

/** Refuses with a LayoutError naming the partition and, when known, the file. */
function fail(code: string, p: NandPartition, i: number, what: string, src: SchemeSource): never {
  const label = `partition ${i + 1} "${p.name}"`;
  throw new LayoutError(code, `${label}: ${what}`, { file: src.file });
}

/** Checks one partition on its own: integers, inside the chip, image range inside the image and block-aligned. */
function checkPartition(p: NandPartition, i: number, chipBlocks: number, imageBytes: number, blockBytes: number, src: SchemeSource): void {
  const ints: (keyof NandPartition)[] = ['startBlock', 'blocks', 'imageOffset', 'imageLength'];
  for (const k of ints) {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail('partition-invalid', p, i, `${k} must be a whole number ≥ 0, got ${String(v)}`, src);
  }
  if (p.blocks < 1) fail('partition-invalid', p, i, 'blocks must be at least 1', src);
  if (p.startBlock + p.blocks > chipBlocks) {
    fail('partition-outside-chip', p, i, `blocks ${p.startBlock}..${p.startBlock + p.blocks - 1} go past the chip's last block ${chipBlocks - 1}`, src);
  }
  const end = p.imageOffset + p.imageLength;
  if (end > imageBytes) {
    fail('partition-range-outside-image', p, i, `image range ${p.imageOffset}..${end} goes past the image's end (${imageBytes} bytes)`, src);
  }
  if (p.imageOffset % blockBytes !== 0) {
    fail('partition-not-aligned', p, i, `imageOffset ${p.imageOffset} is not a multiple of the ${blockBytes}-byte image block`, src);
  }
  if (p.imageLength % blockBytes !== 0 && end !== imageBytes) {
    fail('partition-not-aligned', p, i, `imageLength ${p.imageLength} is not a multiple of the ${blockBytes}-byte image block (only the range ending the image may be partial)`, src);
  }
  const need = Math.ceil(p.imageLength / blockBytes);
  if (need > p.blocks) {
    fail('partition-too-small', p, i, `its image range needs ${need} blocks but the partition has ${p.blocks}`, src);
  }
}

/**
 * Validates a NAND scheme against the chip and the image, before any device is touched, and returns its regions in
 * block order. Partitions must be named uniquely, lie inside the chip without overlapping, and their block-aligned
 * image ranges must lie inside the image, not overlap, and together cover it.
 */
export function nandRegions(chip: Chip, imageBytes: number, blockBytes: number, scheme: NandScheme, src: SchemeSource = {}): NandRegion[] {
  const g = nandGeometry(chip);
  const imageBlocks = Math.ceil(imageBytes / blockBytes);
  if (scheme.kind === 'skip') return [skipRegion(g.blocks, imageBlocks)];
  const parts = scheme.partitions;
  if (parts.length === 0) throw new LayoutError('partition-table-empty', 'the partition table lists no partitions', { file: src.file });
  const names = new Set<string>();
  parts.forEach((p, i) => {
    if (typeof p.name !== 'string' || p.name.trim() === '') throw new LayoutError('partition-invalid', `partition ${i + 1}: name must be a non-empty string`, { file: src.file });
    if (names.has(p.name)) fail('partition-duplicate', p, i, 'the name is used by an earlier partition', src);
    names.add(p.name);
    checkPartition(p, i, g.blocks, imageBytes, blockBytes, src);
  });
  const order = parts.map((p, i) => ({ p, i }));
  const byBlock = [...order].sort((a, b) => a.p.startBlock - b.p.startBlock);
  for (let k = 1; k < byBlock.length; k++) {
    const prev = byBlock[k - 1].p;
    const cur = byBlock[k];
    if (cur.p.startBlock < prev.startBlock + prev.blocks) {
      fail('partition-overlap', cur.p, cur.i, `blocks ${cur.p.startBlock}.. overlap partition "${prev.name}" (blocks ${prev.startBlock}..${prev.startBlock + prev.blocks - 1})`, src);
    }
  }
  const byImage = [...order].filter((x) => x.p.imageLength > 0).sort((a, b) => a.p.imageOffset - b.p.imageOffset);
  let covered = 0;
  for (const { p, i } of byImage) {
    if (p.imageOffset < covered) fail('partition-range-overlap', p, i, `image range ${p.imageOffset}..${p.imageOffset + p.imageLength} overlaps another partition's range`, src);
    if (p.imageOffset > covered) {
      throw new LayoutError('image-not-covered', `image bytes ${covered}..${p.imageOffset} belong to no partition, so they would never be programmed; extend a partition's image range`, { file: src.file });
    }
    covered = p.imageOffset + p.imageLength;
  }
  if (covered < imageBytes) {
    throw new LayoutError('image-not-covered', `image bytes ${covered}..${imageBytes} belong to no partition, so they would never be programmed; extend a partition's image range`, { file: src.file });
  }
  return byBlock.map(({ p }) => {
    const need = Math.ceil(p.imageLength / blockBytes);
    return { name: p.name, startBlock: p.startBlock, blocks: p.blocks, firstImageBlock: p.imageOffset / blockBytes, imageBlocks: need, reserve: p.blocks - need };
  });
}
