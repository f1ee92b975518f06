import type { SerialWrite } from '../programmers/driver.js';
import { JobError } from '../errors.js';

/** How a job numbers its devices: prefix + zero-padded number from `start` by `step`, written at `offset`. */
export interface SerialRule {
  /** Text before the number, e.g. `SN` (may be empty). */
  prefix: string;
  /** First number. */
  start: number;
  /** Increment between devices, ≥ 1. */
  step: number;
  /** Digits of the number (START's digit count; larger numbers grow longer). */
  width: number;
  /** Byte offset in the user area where the serial's ASCII bytes go; null: recorded only, not written. */
  offset: number | null;
}

const SPEC = /^([\x21-\x7e]*?)(\d+)(?::(\d+))?(?:@(0x[0-9a-fA-F]+|\d+))?$/;

/**
 * Parses `START[:STEP][@OFFSET]`: START is a decimal number or a prefix followed by digits (`SN000100`), STEP a
 * decimal ≥ 1 (default 1), OFFSET a decimal or 0x-hex byte offset in the user area (absent: record only).
 */
export function parseSerialSpec(text: string): SerialRule {
  const t = text.trim();
  const m = SPEC.exec(t);
  if (!m || /[:@]/.test(m[1])) {
    throw new JobError('serial-syntax', `--serial ${text}: expected START[:STEP][@OFFSET], e.g. SN000100:1@0x7FF000 (START ends in digits)`);
  }
  const [, prefix, digits, stepText, offsetText] = m;
  const start = Number(digits);
  if (!Number.isSafeInteger(start)) throw new JobError('serial-syntax', `--serial ${text}: the number ${digits} is too large`);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isSafeInteger(step) || step < 1) throw new JobError('serial-syntax', `--serial ${text}: STEP must be a whole number ≥ 1`);
  const offset = offsetText === undefined ? null : Number(offsetText);
  if (offset !== null && !Number.isSafeInteger(offset)) throw new JobError('serial-syntax', `--serial ${text}: OFFSET ${offsetText} is too large`);
  return { prefix, start, step, width: digits.length, offset };
}

/** The rule back in `START[:STEP][@OFFSET]` form. */
export function serialSpecText(rule: SerialRule): string {
  const step = rule.step === 1 ? '' : `:${rule.step}`;
  const at = rule.offset === null ? '' : `@0x${rule.offset.toString(16).toUpperCase()}`;
  return `${formatSerial(rule, rule.start)}${step}${at}`;
}

/** The serial text for the number `n` under `rule` (prefix + n zero-padded to the rule's width). */
export function formatSerial(rule: SerialRule, n: number): string {
  return rule.prefix + String(n).padStart(rule.width, '0');
}

/** The number of the k-th device (k from 0): start + k × step. */
export function serialNumberAt(rule: SerialRule, k: number): number {
  return rule.start + k * rule.step;
}

/** Bytes a serial of the rule's width takes on the device. */
export function serialLength(rule: SerialRule): number {
  return rule.prefix.length + rule.width;
}

/** What a driver writes for serial `n` on `site`; undefined when the rule only records serials. */
export function serialWrite(rule: SerialRule, n: number, site: number): SerialWrite | undefined {
  if (rule.offset === null) return undefined;
  return { site, offset: rule.offset, bytes: new TextEncoder().encode(formatSerial(rule, n)) };
}

/** Where the serial may go: the chip's usable bytes and the image's extent. */
export interface SerialPlacement {
  /** Usable bytes of the area the serial goes to. */
  usableBytes: number;
  /** Size of the image programmed into that area. */
  imageBytes: number;
  /** The job allows the serial to overwrite image data (`--serial-overwrite`). @default false */
  overwrite?: boolean;
  /** Why the usable area ends where it does, for the message. @default undefined */
  why?: string;
}

/** Refuses serial bytes at `offset`..`offset+length` outside the chip's usable area, or inside the image's data unless overwriting is allowed. */
export function checkBytesPlacement(offset: number, length: number, where: SerialPlacement, what: string): void {
  const end = offset + length;
  if (end > where.usableBytes) {
    throw new JobError('serial-outside-chip', `${what}: bytes ${offset}..${end} go past the usable area (${where.usableBytes} bytes${where.why ? `; ${where.why}` : ''}); move the field`);
  }
  if (offset < where.imageBytes && !where.overwrite) {
    throw new JobError('serial-inside-image', `${what}: bytes ${offset}..${end} fall inside the image's data (0..${where.imageBytes}); move the field after ${where.imageBytes} or pass --serial-overwrite`);
  }
}

/** Refuses a serial offset outside the chip's usable area, or inside the image's data unless overwriting is allowed. */
export function checkSerialPlacement(rule: SerialRule, where: SerialPlacement): void {
  if (rule.offset === null) return;
  const end = rule.offset + serialLength(rule);
  if (end > where.usableBytes) {
    throw new JobError('serial-outside-chip', `serial bytes ${rule.offset}..${end} go past the usable area (${where.usableBytes} bytes${where.why ? `; ${where.why}` : ''}); choose a smaller @OFFSET`);
  }
  if (rule.offset < where.imageBytes && !where.overwrite) {
    const room = where.usableBytes - where.imageBytes >= serialLength(rule);
    const fix = room ? `choose an @OFFSET at or after ${where.imageBytes} or pass --serial-overwrite` : 'pass --serial-overwrite to patch it into the image';
    throw new JobError('serial-inside-image', `serial bytes ${rule.offset}..${end} fall inside the image's data (0..${where.imageBytes}); ${fix}`);
  }
}
