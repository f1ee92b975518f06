import { JobError } from '../errors.js';
import { encodeAscii, encodeBinary } from './encode.js';
import type { MacFieldSpec } from './spec.js';
import { toBig, toOffset, type FieldValue } from './value.js';

/** Parses `00:1A:2B:3C:4D:5E` (or with `-`) to its 48-bit value. */
export function parseMac(text: string, field: string): bigint {
  const m = /^([0-9a-fA-F]{2})([:-])([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/.exec(text.trim());
  if (!m) throw new JobError('serial-rule', `field ${field}: ${JSON.stringify(text)} is not a MAC address like 00:1A:2B:3C:4D:5E`);
  return BigInt('0x' + [m[1], m[3], m[4], m[5], m[6], m[7]].join(''));
}

/** A 48-bit value as `00:1A:2B:3C:4D:5E`. */
export function formatMac(v: bigint): string {
  return v.toString(16).toUpperCase().padStart(12, '0').replace(/(..)(?!$)/g, '$1:');
}

/** A MAC-range field: first + k × step, never past last (a factory's assigned block). */
export class MacRange {
  readonly name: string;
  readonly first: bigint;
  readonly last: bigint;
  readonly step: bigint;
  private readonly at: number | null;

  constructor(private readonly spec: MacFieldSpec) {
    this.name = spec.name;
    this.first = parseMac(spec.first, spec.name);
    this.last = parseMac(spec.last, spec.name);
    this.step = toBig(spec.step);
    this.at = toOffset(spec.at);
    if (this.step < 1n) throw new JobError('serial-rule', `field ${spec.name}: step must be at least 1`);
    if (this.first > this.last) throw new JobError('serial-rule', `field ${spec.name}: first ${spec.first} is after last ${spec.last}`);
    if ((this.first >> 40n) & 1n) throw new JobError('serial-rule', `field ${spec.name}: ${spec.first} is a multicast address (bit 0 of the first octet is set)`);
  }

  /** How many addresses the range holds at this step. */
  capacity(): bigint {
    return (this.last - this.first) / this.step + 1n;
  }

  /** The k-th address (k from 0); throws when it would cross the range end. */
  valueAt(k: bigint): FieldValue {
    const v = this.first + k * this.step;
    if (v > this.last) throw new JobError('serial-exhausted', `field ${this.name}: address ${k + 1n} would be ${formatMac(v)}, past the range end ${formatMac(this.last)}`);
    const text = formatMac(v);
    const bytes = this.spec.encoding === 'binary' ? encodeBinary(v, 6, 'be') : encodeAscii(text);
    return { name: this.name, text, writes: this.at === null ? [] : [{ offset: this.at, bytes }] };
  }
}
