import { JobError } from '../errors.js';
import { bcdMax, binaryMax, encodeAscii, encodeBcd, encodeBinary } from './encode.js';
import type { CounterFieldSpec } from './spec.js';
import { toBig, toOffset, type FieldValue } from './value.js';

/** A counter field ready to issue values: start + k × step, never past its end. */
export class Counter {
  readonly name: string;
  readonly start: bigint;
  readonly step: bigint;
  readonly end: bigint;
  readonly width: number;
  private readonly at: number | null;

  constructor(private readonly spec: CounterFieldSpec) {
    const bad = (msg: string) => new JobError('serial-rule', `field ${spec.name}: ${msg}`);
    this.name = spec.name;
    this.start = toBig(spec.start);
    this.step = toBig(spec.step);
    this.at = toOffset(spec.at);
    if (this.step < 1n) throw bad('step must be at least 1');
    encodeAscii(spec.prefix + spec.suffix);
    // START's own digits set the width when it is written as text ('000100' is 6 digits wide).
    const written = typeof spec.start === 'string' ? spec.start.replace(/^0x/i, '').length : 0;
    this.width = spec.width ?? Math.max(1, written, this.start.toString(spec.radix).length);
    let max: bigint;
    if (spec.encoding === 'ascii') max = BigInt(spec.radix) ** BigInt(this.width) - 1n;
    else if (spec.encoding === 'bcd') max = bcdMax(spec.bytes);
    else {
      if (spec.bytes > 8) throw bad(`binary values take 1 to 8 bytes, not ${spec.bytes}`);
      max = binaryMax(spec.bytes);
    }
    this.end = spec.end === undefined ? max : toBig(spec.end);
    if (this.end > max) throw bad(`end ${this.end} does not fit the encoding (at most ${max}${spec.encoding === 'ascii' ? ` with ${this.width} digits` : ` in ${spec.bytes} bytes`})`);
    if (this.start > this.end) throw bad(`start ${this.start} is past end ${this.end}`);
  }

  /** How many values the counter can issue. */
  capacity(): bigint {
    return (this.end - this.start) / this.step + 1n;
  }

  /** The k-th value (k from 0); throws when k is past the end. */
  valueAt(k: bigint): FieldValue {
    const n = this.start + k * this.step;
    if (n > this.end) throw new JobError('serial-exhausted', `field ${this.name}: value ${k + 1n} would be ${n}, past the rule's end ${this.end}`);
    const s = this.spec;
    const text = s.prefix + n.toString(s.radix).toUpperCase().padStart(this.width, '0') + s.suffix;
    let bytes: Uint8Array;
    if (s.encoding === 'ascii') bytes = encodeAscii(text);
    else if (s.encoding === 'bcd') bytes = encodeBcd(n, s.bytes);
    else bytes = encodeBinary(n, s.bytes, s.encoding === 'bin-le' ? 'le' : 'be');
    return { name: this.name, text, writes: this.at === null ? [] : [{ offset: this.at, bytes }] };
  }
}
