/** Bytes a rule writes at one offset of the user area. */
export interface SerialBytes {
  offset: number;
  bytes: Uint8Array;
}

/** One field's value for one device: its text (ledger, trace, report) and where its bytes go (none: record only). */
export interface FieldValue {
  name: string;
  text: string;
  writes: SerialBytes[];
}

/** Everything a rule gives one device; `value` (the first field's text) is what the ledger keeps unique. */
export interface SerialValue {
  value: string;
  fields: FieldValue[];
}

/** A whole number from a rule file (JSON integer, decimal or 0x-hex string). */
export function toBig(v: number | string): bigint {
  return BigInt(v);
}

/** A byte offset from a rule file, within JavaScript's exact integers. */
export function toOffset(v: number | string | null): number | null {
  if (v === null) return null;
  const n = BigInt(v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`offset ${v} is too large`);
  return Number(n);
}
