/**
 * NANDO wire facts (open-hardware NAND programmer, github bbogush/nand_programmer: firmware nand_programmer.c and the
 * host's cmd.h). STM32 USB CDC, VID 0x0483 PID 0x5740; the CDC data interface (1) has bulk OUT 3 and bulk IN 1 with
 * 64-byte packets. Every command is one USB packet, little-endian and packed:
 *   READ_ID 0x00 · ERASE 0x01 {addr u64, len u64, flags} · READ 0x02 {addr, len, flags} · WRITE_S 0x03 {addr, len, flags}
 *   WRITE_D 0x04 {len u8, data ≤ 62} · WRITE_E 0x05 · CONF 0x06 {hal u8, page u32, block u32, total u64, spare u32,
 *   bbMarkOff u8, hal config…} · READ_BB 0x07 · VERSION 0x08.  flags: bit0 skip bad blocks, bit1 include spare,
 *   bit2 hardware ECC.
 * Answers are a byte stream of frames {code u8, info u8, …}: code 0 = data (info = length), code 1 = status with
 * info OK 0 (2 bytes), ERROR 1 {err u8, 11 pad}, BB 2 / BB_SKIP 4 {addr u64, size u32}, WRITE_ACK 3 {bytes u64, 4 pad},
 * PROGRESS 5 {value u64}. The firmware acknowledges written data once a page's worth has arrived (and at the end).
 */
export const NANDO_VID = 0x0483;
/** USB product ID of the NANDO firmware (ST's virtual COM port ID). */
export const NANDO_PID = 0x5740;
export const NANDO_COMM_IFACE = 0;
export const NANDO_DATA_IFACE = 1;
export const NANDO_EP_OUT = 3;
export const NANDO_EP_IN = 1;
export const NANDO_PACKET = 64;
/** Data bytes one WRITE_D packet carries. */
export const NANDO_WRITE_CHUNK = NANDO_PACKET - 2;

export const CMD = { readId: 0x00, erase: 0x01, read: 0x02, writeStart: 0x03, writeData: 0x04, writeEnd: 0x05, conf: 0x06, readBadBlocks: 0x07, version: 0x08 } as const;
export const RESP_DATA = 0x00;
export const RESP_STATUS = 0x01;
export const ST = { ok: 0x00, error: 0x01, badBlock: 0x02, writeAck: 0x03, badBlockSkip: 0x04, progress: 0x05 } as const;
export const FLAG_SKIP_BB = 0x01;
export const FLAG_INC_SPARE = 0x02;
export const FLAG_HW_ECC = 0x04;
/** HAL number of the parallel (FSMC) NAND interface. */
export const HAL_FSMC = 0;

/** Firmware error codes (sent as the positive value). */
export const NANDO_ERRORS: Record<number, string> = {
  100: 'address beyond the chip', 101: 'address not set', 102: 'address not aligned', 103: 'NAND write failed',
  104: 'NAND read failed', 105: 'NAND erase failed', 106: 'chip not configured', 107: 'wrong data size',
  108: 'invalid command', 109: 'buffer overflow', 110: 'length not aligned', 111: 'length exceeded', 112: 'invalid length',
  113: 'bad-block table full (the firmware holds 20 entries)',
  /** (uint8) -103, sent by the firmware's main loop when a page program in flight failed to finish (nand_programmer.c np_nand_handler). */
  153: 'NAND write failed (a page program did not finish; asynchronous)',
};
/** Firmware error codes that mean a page program failed. */
export const NANDO_WRITE_ERRORS: ReadonlySet<number> = new Set([103, 153]);
/** Firmware error: the bad-block table overflowed. */
export const NANDO_ERR_BBT_OVERFLOW = 113;

/**
 * The FSMC configuration the firmware's parallel-NAND HAL takes after CONF's fixed part: six FSMC timing fields (HCLK
 * cycles), row and column address cycles, then the chip's command bytes (ONFI: READ 00h/30h, READ ID 90h, RESET FFh,
 * PROGRAM 80h/10h, ERASE 60h/D0h, STATUS 70h; FFh = not used).
 */
export interface FsmcConf {
  setup: number; wait: number; hold: number; hiZ: number; clr: number; ar: number;
  rowCycles: number; colCycles: number;
  read1: number; read2: number; readSpare: number; readId: number; reset: number; write1: number; write2: number;
  erase1: number; erase2: number; status: number; setFeatures: number; eccAddr: number; eccOn: number; eccOff: number;
}

/** ONFI large-page command set with conservative timings. */
export function onfiConf(rowCycles: number): FsmcConf {
  return {
    setup: 2, wait: 5, hold: 3, hiZ: 2, clr: 1, ar: 1, rowCycles, colCycles: 2,
    read1: 0x00, read2: 0x30, readSpare: 0xff, readId: 0x90, reset: 0xff, write1: 0x80, write2: 0x10,
    erase1: 0x60, erase2: 0xd0, status: 0x70, setFeatures: 0xff, eccAddr: 0, eccOn: 0, eccOff: 0,
  };
}

/** FsmcConf as its 22 wire bytes. */
export function fsmcBytes(c: FsmcConf): number[] {
  return [c.setup, c.wait, c.hold, c.hiZ, c.clr, c.ar, c.rowCycles, c.colCycles, c.read1, c.read2, c.readSpare, c.readId,
    c.reset, c.write1, c.write2, c.erase1, c.erase2, c.status, c.setFeatures, c.eccAddr, c.eccOn, c.eccOff];
}

/** Chip geometry CONF carries. */
export interface NandoGeometry {
  pageSize: number;
  blockSize: number;
  totalSize: number;
  spareSize: number;
  bbMarkOff: number;
}

/** CONF packet: geometry and the HAL configuration. */
export function confPacket(g: NandoGeometry, conf: FsmcConf): Uint8Array {
  const b = new Uint8Array(23 + 22);
  const v = new DataView(b.buffer);
  b[0] = CMD.conf;
  b[1] = HAL_FSMC;
  v.setUint32(2, g.pageSize, true);
  v.setUint32(6, g.blockSize, true);
  v.setBigUint64(10, BigInt(g.totalSize), true);
  v.setUint32(18, g.spareSize, true);
  b[22] = g.bbMarkOff;
  b.set(fsmcBytes(conf), 23);
  return b;
}

/** ERASE / READ / WRITE_S packet: {code, addr u64, len u64, flags}. */
export function rangePacket(code: number, addr: number, len: number, flags: number): Uint8Array {
  const b = new Uint8Array(18);
  const v = new DataView(b.buffer);
  b[0] = code;
  v.setBigUint64(1, BigInt(addr), true);
  v.setBigUint64(9, BigInt(len), true);
  b[17] = flags;
  return b;
}
