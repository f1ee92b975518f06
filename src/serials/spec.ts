import { z } from 'zod';

/** A whole number given as a JSON integer, a decimal string or a 0x-hex string (big values stay exact). */
const big = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/, 'expected a decimal or 0x-hex whole number')]);

/** Byte offset in the user area where a field's bytes go; null records the value without writing it. */
const at = z.union([big, z.null()]);

/** A counter: prefix + number (decimal or hex, zero-padded to `width`) + suffix, or the number in binary/BCD. */
export const counterFieldSchema = z
  .object({
    kind: z.literal('counter'),
    /** Field name shown in the ledger, trace and report. @default "serial" */
    name: z.string().regex(/^[A-Za-z][\w-]{0,31}$/).default('serial'),
    /** Byte offset in the user area; null: recorded, not written. */
    at,
    /** First value. */
    start: big,
    /** Increment between devices. @default 1 */
    step: big.default(1),
    /** Last value the rule may issue; the lot stops before a device that would need more. @default what `width`/`bytes` hold */
    end: big.optional(),
    /** Number base of the text. @default 10 */
    radix: z.union([z.literal(10), z.literal(16)]).default(10),
    /** Digits of the number (ASCII): values are zero-padded to it and never grow past it. @default digits of `start` */
    width: z.number().int().min(1).max(20).optional(),
    /** Text before the number (ASCII only). @default "" */
    prefix: z.string().max(64).default(''),
    /** Text after the number (ASCII only). @default "" */
    suffix: z.string().max(64).default(''),
    /** Byte layout. @default "ascii" */
    encoding: z.enum(['ascii', 'bin-le', 'bin-be', 'bcd']).default('ascii'),
    /** Bytes of a binary (1–8) or BCD (1–10) value. @default 4 */
    bytes: z.number().int().min(1).max(10).default(4),
  })
  .strict();

/** A MAC address from a range: `first` + k × `step`, never past `last`; written as 6 bytes (network order) or text. */
export const macFieldSchema = z
  .object({
    kind: z.literal('mac'),
    /** @default "mac" */
    name: z.string().regex(/^[A-Za-z][\w-]{0,31}$/).default('mac'),
    at,
    /** First address, `00:1A:2B:00:00:00` (or `-` separated). */
    first: z.string(),
    /** Last address of the block the factory owns; never crossed. */
    last: z.string(),
    /** @default 1 */
    step: big.default(1),
    /** `binary`: 6 bytes; `text`: `00:1A:2B:00:00:01` in ASCII. @default "binary" */
    encoding: z.enum(['binary', 'text']).default('binary'),
  })
  .strict();

/** Records from a list file (the Elnec PG4UW "from file" layout), one a device, in file order from `startLabel`. */
export const listFieldSchema = z
  .object({
    kind: z.literal('list'),
    /** @default "list" */
    name: z.string().regex(/^[A-Za-z][\w-]{0,31}$/).default('list'),
    /** The list file; pinned by its SHA-256 when the rule is added. */
    file: z.string().min(1),
    /** Label of the first record to use (case-insensitive). @default the first record */
    startLabel: z.string().optional(),
  })
  .strict();

/** One field of a serial rule. */
export const fieldSchema = z.discriminatedUnion('kind', [counterFieldSchema, macFieldSchema, listFieldSchema]);

/** A customer's generator program speaking the Elnec PG4UW custom-generator protocol (docs/serials.md). */
export const generatorSchema = z
  .object({
    /** The executable. */
    program: z.string().min(1),
    /** Arguments placed before `-N<current>` and `-E<last>`. @default [] */
    args: z.array(z.string()).default([]),
    /** The first current serial number, passed as `-N`. */
    start: z.string().regex(/^[\x21-\x7e]{1,64}$/),
    /** The last serial number, passed as `-E` (the generator answers T06 past it). @default none */
    last: z.string().regex(/^[\x21-\x7e]{1,64}$/).optional(),
    /** Name of the .dat file the generator writes in its working folder. @default "serial.dat" */
    dat: z.string().regex(/^[\w.-]{1,64}$/).default('serial.dat'),
    /** A call that takes longer is killed and the lot stops before the device. @default 10000 */
    timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  })
  .strict();

/** A serial rule file: a name and either fields (computed values) or an external generator. */
export const ruleSchema = z.union([
  z.object({ name: z.string().regex(/^[\w.-]{1,64}$/), fields: z.array(fieldSchema).min(1).max(8) }).strict(),
  z.object({ name: z.string().regex(/^[\w.-]{1,64}$/), generator: generatorSchema }).strict(),
]);

/** A counter field as written in a rule file. */
export type CounterFieldSpec = z.infer<typeof counterFieldSchema>;
/** A MAC-range field as written in a rule file. */
export type MacFieldSpec = z.infer<typeof macFieldSchema>;
/** A list-file field as written in a rule file. */
export type ListFieldSpec = z.infer<typeof listFieldSchema>;
/** Any field of a rule file. */
export type FieldSpec = z.infer<typeof fieldSchema>;
/** A generator as written in a rule file. */
export type GeneratorSpec = z.infer<typeof generatorSchema>;
/** A serial rule file. */
export type RuleSpec = z.infer<typeof ruleSchema>;
