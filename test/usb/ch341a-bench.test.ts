import { describe, expect, it } from 'vitest';
import { nandGeometry, type Chip } from '../../src/catalog/chip.js';
import { Ch341aDriver } from '../../src/programmers/ch341a/driver.js';
import type { Ch341aSpiBus } from '../../src/programmers/ch341a/spi-bus.js';
import { SnandTarget } from '../../src/programmers/ch341a/snand-target.js';
import { SpiNandOps } from '../../src/programmers/ch341a/spi-nand.js';
import { SpiNorOps } from '../../src/programmers/ch341a/spi-nor.js';
import { emulatedCh341aBoard, type Ch341aBoard } from '../../src/programmers/emulation/ch341a/ch341a-board.js';
import type { EmulatedBoardOptions } from '../../src/programmers/emulation/options.js';
import type { DeviceLink } from '../../src/programmers/usb-board/device-source.js';
import type { FlashTarget } from '../../src/programmers/usb-board/flash-target.js';
import { contractNor, smallNor, smallSpiNand } from './chips.js';

/** NOR commands that forget write-enable, as a careless driver would. */
class NoWrenNorOps extends SpiNorOps {
  override async writeEnable(): Promise<void> {}
}

/** NOR commands that send 0x62 instead of CHIP ERASE 0xC7. */
class WrongEraseNorOps extends SpiNorOps {
  override async chipErase(): Promise<void> {
    await this.writeEnable();
    await (this as unknown as { bus: Ch341aSpiBus }).bus.transact(Uint8Array.of(0x62), 0);
    await this.waitReady(this.limits.chipEraseMs, 'erase-failed');
  }
}

/** SPI NAND commands that never clear the power-up block protection. */
class NoUnlockNandOps extends SpiNandOps {
  override async unlockAll(): Promise<void> {}
}

/** A CH341A driver with replaceable NOR/NAND command layers, holding broken variants to the emulated bench. */
class VariantDriver extends Ch341aDriver {
  constructor(private readonly variant: 'no-wren' | 'wrong-erase' | 'no-unlock' | 'good', opts: EmulatedBoardOptions = {}, onBoard?: (b: Ch341aBoard) => void) {
    super({ model: 'CH341A', serial: 'V' }, async (chip) => {
      const b = emulatedCh341aBoard(chip, opts);
      onBoard?.(b);
      return b;
    });
  }
  protected override makeNorOps(bus: Ch341aSpiBus, link: DeviceLink, limits: ConstructorParameters<typeof SpiNorOps>[2]): SpiNorOps {
    if (this.variant === 'no-wren') return new NoWrenNorOps(bus, link.pacer, limits);
    if (this.variant === 'wrong-erase') return new WrongEraseNorOps(bus, link.pacer, limits);
    return super.makeNorOps(bus, link, limits);
  }
  protected override makeTarget(bus: Ch341aSpiBus, chip: Chip, link: DeviceLink): FlashTarget {
    if (this.variant === 'no-unlock' && chip.kind === 'spi-nand') {
      return new SnandTarget(new NoUnlockNandOps(bus, link.pacer, { readMs: 5, programMs: 10, eraseMs: 50 }, nandGeometry(chip)), chip);
    }
    return super.makeTarget(bus, chip, link);
  }
}

const image = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 31 + 7) & 0xff);
async function* stream(bytes = image, offset = 0) {
  yield { offset, length: bytes.length, bytes };
}

async function cycle(d: Ch341aDriver, chip: Chip) {
  await d.open(chip);
  await d.load([{ site: 0, device: 'B-1' }]);
  const [erase] = await d.erase([0]);
  const [program] = await d.program([0], stream(), {});
  const [verify] = await d.verify([0]);
  await d.close();
  return { erase, program, verify };
}

describe('CH341A driver on the emulated bench', () => {
  it('a correct driver programs and verifies SPI NOR', async () => {
    const r = await cycle(new VariantDriver('good'), smallNor);
    expect([r.erase.failure, r.program.failure, r.verify.failure]).toEqual([undefined, undefined, undefined]);
  });

  it('a driver that forgets WREN before page program fails, because the chip ignores the program', async () => {
    const r = await cycle(new VariantDriver('no-wren'), smallNor);
    expect(r.verify.failure?.code).toBe('verify-failed');
  });

  it('a driver that sends a wrong erase opcode leaves the chip programmed and fails the blank check', async () => {
    const d = new VariantDriver('wrong-erase');
    await d.open(smallNor);
    await d.load([{ site: 0, device: 'W' }]);
    await d.program([0], stream(), {});
    expect((await d.erase([0]))[0].failure).toBeUndefined();
    expect((await d.blankCheck([0]))[0].failure?.code).toBe('blank-check-failed');
  });

  it('a page program that runs past the page boundary wraps to the page start, so ignoring pages garbles data', async () => {
    let board!: Ch341aBoard;
    const d = new VariantDriver('good', {}, (b) => (board = b));
    await d.open(smallNor);
    await d.load([{ site: 0, device: 'PB' }]);
    // Drive the chip model through the emulated CH341A the way a page-ignorant driver would: 256 bytes at 0x180.
    const ops = new SpiNorOps((d as unknown as { target: { ops: SpiNorOps } }).target.ops['bus' as never], board.pacer, { pageProgramMs: 10, sectorEraseMs: 500, chipEraseMs: 5000 });
    await ops.pageProgram(0x180, image.subarray(0, 256));
    const chip = board.chipModel() as unknown as { mem: Uint8Array };
    expect([...chip.mem.subarray(0x100, 0x180)]).toEqual([...image.subarray(128, 256)]);
    expect([...chip.mem.subarray(0x200, 0x280)].every((b) => b === 0xff)).toBe(true);
  });

  it('a driver that never unlocks SPI NAND blocks fails erase: every block reports E_FAIL', async () => {
    const d = new VariantDriver('no-unlock');
    await d.open(smallSpiNand);
    await d.load([{ site: 0, device: 'L' }]);
    expect((await d.erase([0]))[0].failure?.code).toBe('too-many-bad-blocks');
  });

  it('skips a factory bad SPI NAND block: image block 2 lands in block 3 and verify passes', async () => {
    let board!: Ch341aBoard;
    const d = new VariantDriver('good', { badBlocks: [2] }, (b) => (board = b));
    await d.open(smallSpiNand);
    await d.load([{ site: 0, device: 'BB' }]);
    expect((await d.erase([0]))[0].badBlocks).toEqual([2]);
    const big = Uint8Array.from({ length: 3 * 64 * 2048 }, (_, i) => (i >> 11) & 0xff);
    const [p] = await d.program([0], stream(big), {});
    expect(p.failure).toBeUndefined();
    expect(p.badBlocks).toEqual([2]);
    expect((await d.verify([0]))[0].failure).toBeUndefined();
    const pages = (board.chipModel() as unknown as { pages: Map<number, Uint8Array> }).pages;
    expect(pages.get(3 * 64)?.[0]).toBe((2 * 64) & 0xff);
  });

  it('reports a device answering another ID as id-mismatch, and an empty socket as no-device', async () => {
    const d = new VariantDriver('good', { idBytes: 'c84015' });
    await d.open(smallNor);
    await d.load([{ site: 0, device: 'X' }]);
    expect((await d.readId([0]))[0].failure?.code).toBe('id-mismatch');
    await d.close();
    let board!: Ch341aBoard;
    const e = new VariantDriver('good', {}, (b) => (board = b));
    await e.open(smallNor);
    await e.load([{ site: 0, device: 'Y' }]);
    board.remove!();
    expect((await e.readId([0]))[0].failure?.code).toBe('no-device');
  });

  it('reports link-lost when the board drops off the bus mid-program', async () => {
    const d = new VariantDriver('good', { dropAfterTransfers: 400 });
    await d.open(contractNor);
    await d.load([{ site: 0, device: 'D' }]);
    const [p] = await d.program([0], stream(), {});
    expect(p.failure?.code).toBe('link-lost');
    expect((await d.readId([0]))[0].failure?.code).toBe('link-lost');
  });
});
