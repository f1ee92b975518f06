import fc from 'fast-check';
import { expect } from 'vitest';
import { GangflashError } from '../../src/errors.js';

/** Inputs tried per property: 200 in `npm test`, FUZZ_RUNS (20,000 in `npm run fuzz`) otherwise. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** Wall-clock bound of one property: a few seconds in `npm test`, FUZZ_MS (default 2 min) in a long fuzz run. */
export const TIME_MS = Number(process.env.FUZZ_MS ?? (process.env.FUZZ_RUNS ? 120_000 : 4_000));
/** vitest timeout of one fuzz test: its time bound plus room for the slowest single input. */
export const TEST_TIMEOUT = TIME_MS + 30_000;
/** Heap growth over one property that counts as unbounded memory. */
const HEAP_LIMIT = 512 << 20;

/** fast-check options shared by every fuzz property: bounded in runs and in time; stopping on time is not a failure. */
export const fuzzOptions = { numRuns: RUNS, interruptAfterTimeLimit: TIME_MS, markInterruptAsFailure: false } as const;

/**
 * Runs `fn` on one input: it must return, or throw the project's own error (a GangflashError with a kebab-case code
 * and a message). Anything else (a TypeError, a RangeError, a raw SqliteError) fails with the input that caused it.
 */
export function parsesOrOwnError<T>(fn: () => T, input: unknown): T | GangflashError {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof GangflashError)) {
      throw new Error(`leaked ${(e as Error)?.constructor?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}\ninput: ${show(input)}`, { cause: e });
    }
    expect(e.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(e.message.length).toBeGreaterThan(10);
    return e;
  }
}

/** Async form of parsesOrOwnError. */
export async function parsesOrOwnErrorAsync<T>(fn: () => Promise<T>, input: unknown): Promise<T | GangflashError> {
  try {
    return await fn();
  } catch (e) {
    return parsesOrOwnError(() => {
      throw e;
    }, input);
  }
}

/** Runs a property with the shared options and fails when the heap grew past HEAP_LIMIT over it. */
export async function fuzz<Ts>(prop: fc.IRawProperty<Ts>): Promise<void> {
  const before = process.memoryUsage().heapUsed;
  await fc.assert(prop, fuzzOptions);
  const grown = process.memoryUsage().heapUsed - before;
  expect(grown, 'heap growth over the property').toBeLessThan(HEAP_LIMIT);
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  return s === undefined ? String(v) : s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
}

/** Values that break naive parsers: edges of numbers, odd strings, odd shapes. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, -0, 1e308, -1e308, 2 ** 53, 2 ** 31, 2 ** 32 - 1, 4096, 65, null, true, false, '', ' ', '0', '-1', '0x10', '1e3', 'NaN', 'Infinity', '__proto__', 'constructor', 'toString', '..', '/dev/sda', '\u0000', '\ud800', 'x'.repeat(5000)),
  fc.constantFrom([], {}, [null], [[]], { __proto__: 1 }, JSON.parse('{"__proto__": {"a": 1}}') as unknown),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** One edit of a JSON document: replace, delete or add at a node chosen by index. */
export type JsonEdit = { at: number; op: 'replace' | 'delete' | 'add'; key: string; value: unknown };

/** Arbitrary lists of JSON edits (apply with applyJsonEdits). */
export const jsonEdits: fc.Arbitrary<JsonEdit[]> = fc.array(
  fc.record({
    at: fc.nat(),
    op: fc.constantFrom('replace' as const, 'delete' as const, 'add' as const),
    key: fc.oneof(fc.constantFrom('name', 'options', 'targets', 'sites', 'part', 'kind', 'geometry', 'id', '__proto__', 'quantity'), fc.string({ maxLength: 8 })),
    value: nastyValue,
  }),
  { minLength: 1, maxLength: 4 },
);

/** A deep copy of `doc` with the edits applied (nodes are numbered depth-first; `at` wraps around). */
export function applyJsonEdits(doc: unknown, edits: JsonEdit[]): unknown {
  const root = { v: JSON.parse(JSON.stringify(doc)) as unknown };
  for (const edit of edits) {
    // Generated values may be shared instances (constantFrom): copy, or an edit could make the document circular.
    const e = { ...edit, value: structuredClone(edit.value) };
    const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const walk = (parent: Record<string, unknown> | unknown[], key: string | number) => {
      nodes.push({ parent, key });
      const v = (parent as Record<string, unknown>)[key as string];
      if (Array.isArray(v)) v.forEach((_, i) => walk(v, i));
      else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk(v as Record<string, unknown>, k);
    };
    walk(root as unknown as Record<string, unknown>, 'v');
    const n = nodes[e.at % nodes.length];
    const target = (n.parent as Record<string, unknown>)[n.key as string];
    if (e.op === 'replace') (n.parent as Record<string, unknown>)[n.key as string] = e.value;
    else if (e.op === 'delete' && n.key !== 'v') {
      if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
      else delete n.parent[n.key as string];
    } else if (e.op === 'add') {
      if (Array.isArray(target)) target.push(e.value);
      else if (target && typeof target === 'object') Object.defineProperty(target, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
    }
  }
  return root.v;
}

/** One byte-level edit of a text. */
export type TextEdit = { at: number; del: number; ins: string };

/** Arbitrary lists of text edits (apply with applyTextEdits). */
export const textEdits: fc.Arbitrary<TextEdit[]> = fc.array(
  fc.record({
    at: fc.nat(),
    del: fc.nat(12),
    ins: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"', ',', '\n', '\r\n', '{', '}', '[', ']', ':', '\\', '\ufeff', '9'.repeat(400), '-', '0x', '\u0000')),
  }),
  { minLength: 1, maxLength: 6 },
);

/** `text` with the edits applied (positions wrap around). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length ? e.at % (t.length + 1) : 0;
    t = t.slice(0, at) + e.ins + t.slice(at + e.del);
  }
  return t;
}
