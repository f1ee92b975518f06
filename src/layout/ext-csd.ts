import { emmcGeometry, type Chip } from '../catalog/chip.js';
import { LayoutError } from '../errors.js';

/*
 * EXT_CSD fields a job may set, from JEDEC JESD84-B51 (eMMC 5.1) §7.4:
 *  - [179] PARTITION_CONFIG (BOOT_PARTITION_CONFIG): bit 7 reserved; bit 6 BOOT_ACK; bits 5:3 BOOT_PARTITION_ENABLE
 *    (0 not enabled, 1 boot partition 1, 2 boot partition 2, 3..6 reserved, 7 user area); bits 2:0 PARTITION_ACCESS
 *    (0 user area, 1 BOOT1, 2 BOOT2, 3 RPMB, 4..7 general purpose partitions).
 *  - [177] BOOT_BUS_CONDITIONS: bits 7:5 reserved; bits 4:3 BOOT_MODE (0 SDR backward-compatible timing, 1 SDR high
 *    speed, 2 DDR, 3 reserved); bit 2 RESET_BOOT_BUS_CONDITIONS; bits 1:0 BOOT_BUS_WIDTH (0 x1 SDR / x4 DDR, 1 x4,
 *    2 x8, 3 reserved).
 * Every other EXT_CSD byte is refused: gangflash does not let a job change it.
 */

/** One EXT_CSD byte to write (eMMC). */
export interface ExtCsdWrite {
  index: number;
  value: number;
}

/** One bit field of an EXT_CSD byte. */
interface Field {
  name: string;
  shift: number;
  bits: number;
  /** Values the standard defines (others are reserved). */
  allowed: readonly number[];
}

/** One writable EXT_CSD byte and its fields. */
interface Register {
  index: number;
  names: readonly string[];
  fields: readonly Field[];
}

const REGISTERS: readonly Register[] = [
  {
    index: 179,
    names: ['BOOT_PARTITION_CONFIG', 'PARTITION_CONFIG', 'BOOT_CONFIG'],
    fields: [
      { name: 'BOOT_ACK', shift: 6, bits: 1, allowed: [0, 1] },
      { name: 'BOOT_PARTITION_ENABLE', shift: 3, bits: 3, allowed: [0, 1, 2, 7] },
      // 3 (RPMB) and 4..7 (general purpose partitions) are never a job's business: RPMB is never written.
      { name: 'PARTITION_ACCESS', shift: 0, bits: 3, allowed: [0, 1, 2] },
    ],
  },
  {
    index: 177,
    names: ['BOOT_BUS_CONDITIONS', 'BOOT_BUS_WIDTH_CONFIG'],
    fields: [
      { name: 'BOOT_MODE', shift: 3, bits: 2, allowed: [0, 1, 2] },
      { name: 'RESET_BOOT_BUS_CONDITIONS', shift: 2, bits: 1, allowed: [0, 1] },
      { name: 'BOOT_BUS_WIDTH', shift: 0, bits: 2, allowed: [0, 1, 2] },
    ],
  },
];

/** Which boot partitions the job writes an image to. */
export interface BootImages {
  boot1: boolean;
  boot2: boolean;
}

/** A decimal or 0x-hex whole number, or undefined. */
function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  return Number(t);
}

/** Finds the register for a byte name or decimal/hex index, or the register holding a field name. */
function lookup(key: string): { reg: Register; field?: Field } | undefined {
  const k = key.trim().toUpperCase();
  const idx = parseNumber(key);
  for (const reg of REGISTERS) {
    if (idx !== undefined ? reg.index === idx : reg.names.includes(k)) return { reg };
    const field = reg.fields.find((f) => f.name === k);
    if (field && idx === undefined) return { reg, field };
  }
  return undefined;
}

/** Refuses a reserved or undefined field value. */
function checkField(reg: Register, f: Field, v: number, arg: string): void {
  if (!f.allowed.includes(v)) {
    const why = reg.index === 179 && f.name === 'PARTITION_ACCESS' && v === 3 ? ' (RPMB is never written by gangflash)' : ' (reserved by JESD84-B51)';
    throw new LayoutError('ext-csd-reserved', `--ext-csd ${arg}: ${f.name} = ${v} is not allowed${why}; allowed: ${f.allowed.join(', ')}`);
  }
}

/**
 * Parses `--ext-csd K=V` settings (K: a byte name, a field name such as BOOT_ACK, or a decimal/hex EXT_CSD index;
 * V: decimal or hex) into the EXT_CSD bytes to write, sorted by index. Field settings of one byte combine (unset
 * fields are 0). Refuses reserved bits and values, bytes a job may not set, and a boot partition enable that points
 * at a boot partition the chip lacks or the job gives no image for.
 */
export function parseExtCsd(args: readonly string[], chip: Chip, boot: BootImages): ExtCsdWrite[] {
  const g = emmcGeometry(chip);
  const whole = new Map<number, { value: number; arg: string }>();
  const parts = new Map<number, Map<string, { value: number; arg: string }>>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new LayoutError('ext-csd-syntax', `--ext-csd ${arg}: expected K=V, e.g. BOOT_PARTITION_CONFIG=0x48 or BOOT_ACK=1`);
    const key = arg.slice(0, eq);
    const value = parseNumber(arg.slice(eq + 1));
    const hit = lookup(key);
    if (!hit) {
      const names = REGISTERS.flatMap((r) => [`${r.names[0]} (${r.index})`, ...r.fields.map((f) => f.name)]).join(', ');
      throw new LayoutError('ext-csd-field', `--ext-csd ${arg}: ${key} is not an EXT_CSD setting a job may write; allowed: ${names}`);
    }
    const { reg, field } = hit;
    const max = field ? (1 << field.bits) - 1 : 0xff;
    if (value === undefined || value > max) {
      throw new LayoutError('ext-csd-value', `--ext-csd ${arg}: value must be a decimal or 0x-hex number 0..${max}`);
    }
    if (field) {
      if (whole.has(reg.index)) throw new LayoutError('ext-csd-conflict', `--ext-csd ${arg}: ${reg.names[0]} is already set whole by ${whole.get(reg.index)!.arg}`);
      const m = parts.get(reg.index) ?? new Map<string, { value: number; arg: string }>();
      if (m.has(field.name)) throw new LayoutError('ext-csd-conflict', `--ext-csd ${arg}: ${field.name} is already set by ${m.get(field.name)!.arg}`);
      checkField(reg, field, value, arg);
      m.set(field.name, { value, arg });
      parts.set(reg.index, m);
    } else {
      if (whole.has(reg.index) || parts.has(reg.index)) throw new LayoutError('ext-csd-conflict', `--ext-csd ${arg}: ${reg.names[0]} (${reg.index}) is set more than once`);
      const used = reg.fields.reduce((mask, f) => mask | (((1 << f.bits) - 1) << f.shift), 0);
      if ((value & ~used) !== 0) {
        throw new LayoutError('ext-csd-reserved', `--ext-csd ${arg}: bits 0x${(value & ~used).toString(16)} of ${reg.names[0]} are reserved by JESD84-B51 and must be 0`);
      }
      for (const f of reg.fields) checkField(reg, f, (value >> f.shift) & ((1 << f.bits) - 1), arg);
      whole.set(reg.index, { value, arg });
    }
  }
  const writes: ExtCsdWrite[] = [];
  for (const [index, w] of whole) writes.push({ index, value: w.value });
  for (const [index, m] of parts) {
    const reg = REGISTERS.find((r) => r.index === index)!;
    let value = 0;
    for (const f of reg.fields) value |= (m.get(f.name)?.value ?? 0) << f.shift;
    writes.push({ index, value });
  }
  writes.sort((a, b) => a.index - b.index);
  const cfg = writes.find((w) => w.index === 179);
  if (cfg) {
    for (const [sel, n] of [[(cfg.value >> 3) & 7, 'enable'], [cfg.value & 7, 'access']] as const) {
      if (sel !== 1 && sel !== 2) continue;
      const name = sel === 1 ? 'boot1' : 'boot2';
      const what = n === 'enable' ? 'BOOT_PARTITION_ENABLE' : 'PARTITION_ACCESS';
      if (g.bootBytes <= 0) throw new LayoutError('ext-csd-no-boot', `${what} = ${sel} selects ${name.toUpperCase()}, but ${chip.part} has no boot partitions`);
      if (n === 'enable' && !boot[name]) {
        throw new LayoutError('ext-csd-boot-empty', `BOOT_PARTITION_ENABLE = ${sel} would boot from ${name.toUpperCase()}, but the job writes no image there; add --emmc-${name} FILE or enable another partition`);
      }
    }
  }
  return writes;
}

/** A human description of an EXT_CSD write, field by field (for `job show`). */
export function describeExtCsd(w: ExtCsdWrite): string {
  const reg = REGISTERS.find((r) => r.index === w.index);
  if (!reg) return `[${w.index}] = 0x${w.value.toString(16)}`;
  const fields = reg.fields.map((f) => `${f.name}=${(w.value >> f.shift) & ((1 << f.bits) - 1)}`).join(' ');
  return `${reg.names[0]}[${w.index}] = 0x${w.value.toString(16).padStart(2, '0')} (${fields})`;
}
