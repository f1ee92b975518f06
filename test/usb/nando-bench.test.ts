import { describe, expect, it } from 'vitest';
import { NandoDriver } from '../../src/programmers/nando/driver.js';
import { emulatedNandoBoard, type NandoBoard } from '../../src/programmers/emulation/nando/nando-board.js';
import type { EmulatedBoardOptions } from '../../src/programmers/emulation/options.js';
import { smallNand } from './chips.js';

const block = 64 * 2048;
const image = Uint8Array.from({ length: 3 * block }, (_, i) => ((i >> 11) * 7 + i) & 0xff);
async function* stream() {
  yield { offset: 0, length: image.length, bytes: image };
}

async function setup(opts: EmulatedBoardOptions) {
  let board!: NandoBoard;
  const driver = new NandoDriver({ model: 'NANDO', serial: 'N' }, async (c) => (board = emulatedNandoBoard(c, opts)));
  await driver.open(smallNand);
  await driver.load([{ site: 0, device: 'N-1' }]);
  return { driver, board: () => board };
}

describe('NANDO driver on the emulated bench', () => {
  it('skips a factory bad block: image block 1 lands in block 2, verify passes and the bad block is reported', async () => {
    const { driver, board } = await setup({ badBlocks: [1] });
    expect((await driver.erase([0]))[0].badBlocks).toEqual([1]);
    const [p] = await driver.program([0], stream(), {});
    expect(p.failure).toBeUndefined();
    expect((await driver.verify([0]))[0].failure).toBeUndefined();
    const pages = board().chipModel()!.pages;
    expect(pages.get(2 * 64)![0]).toBe(image[block]);
    expect(pages.get(64)![2048]).toBe(0x00);
  });

  it('fails program with program-failed when a block goes bad under write', async () => {
    const { driver } = await setup({ programFailRows: [2 * 64 + 3] });
    const [e] = await driver.erase([0]);
    expect(e.failure).toBeUndefined();
    const [p] = await driver.program([0], stream(), {});
    expect(p.failure?.code).toBe('program-failed');
    expect(p.badBlocks).toContain(2);
  });

  it('fails erase with too-many-bad-blocks when fewer good blocks remain than the datasheet minimum', async () => {
    const { driver } = await setup({ badBlocks: [1, 2, 3, 4, 5] });
    const [e] = await driver.erase([0]);
    expect(e.failure?.code).toBe('too-many-bad-blocks');
    expect(e.badBlocks).toEqual([1, 2, 3, 4, 5]);
  });

  it('catches a flipped bit on verify and names the block', async () => {
    const { driver, board } = await setup({});
    await driver.erase([0]);
    await driver.program([0], stream(), {});
    board().chipModel()!.pages.get(70)![5] ^= 0x01;
    const [v] = await driver.verify([0]);
    expect(v.failure?.code).toBe('verify-failed');
    expect(v.failure?.message).toMatch(/block 2 /);
  });

  it('reports link-lost when the board drops off the bus during write', async () => {
    const { driver } = await setup({ dropAfterTransfers: 100 });
    const [p] = await driver.program([0], stream(), {});
    expect(p.failure?.code).toBe('link-lost');
  });
});
