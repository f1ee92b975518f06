import { RESP_STATUS, ST } from '../../nando/protocol.js';

/** A BB (failed) or BB_SKIP status frame: {1, 2|4, addr u64, size u32}. */
export function bbFrame(addr: number, size: number, skipped: boolean): Uint8Array {
  const f = new Uint8Array(14);
  const v = new DataView(f.buffer);
  f[0] = RESP_STATUS;
  f[1] = skipped ? ST.badBlockSkip : ST.badBlock;
  v.setBigUint64(2, BigInt(addr), true);
  v.setUint32(10, size, true);
  return f;
}

/** A status frame carrying one u64 (WRITE_ACK, 14 bytes; PROGRESS, 10 bytes). */
export function u64Frame(status: number, value: number, len: number): Uint8Array {
  const f = new Uint8Array(len);
  f[0] = RESP_STATUS;
  f[1] = status;
  new DataView(f.buffer).setBigUint64(2, BigInt(value), true);
  return f;
}

/** An ERROR status frame with the firmware's error byte (the negated error code as uint8). */
export function errorFrame(code: number): Uint8Array {
  const f = new Uint8Array(14);
  f[0] = RESP_STATUS;
  f[1] = ST.error;
  f[2] = code;
  return f;
}
