import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Db } from '../db/open.js';
import { JobError } from '../errors.js';
import { SerialStore, type RuleRow } from '../store/serial-ledger.js';
import { SerialLedger } from './ledger.js';
import { MAX_LIST_BYTES, parseListFile, type ListRecord } from './list-file.js';
import { compileRule, parseRuleSpec, type CompiledRule } from './rule.js';
import type { ListFieldSpec, RuleSpec } from './spec.js';


/** Reads a list field's file (resolved against `base`), refusing what is not a regular file of bounded size. */
function readList(file: string, base: string): { text: string; sha256: string; abs: string } {
  const abs = path.resolve(base, file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new JobError('serial-list-missing', `serial list file not found; check the path in the rule`, { file: abs });
  }
  if (!st.isFile()) throw new JobError('serial-list-syntax', 'the serial list is not a regular file', { file: abs });
  if (st.size > MAX_LIST_BYTES) throw new JobError('serial-list-syntax', `the serial list is ${st.size} bytes; at most ${MAX_LIST_BYTES} are read`, { file: abs });
  const buf = fs.readFileSync(abs);
  return { text: buf.toString('latin1'), sha256: createHash('sha256').update(buf).digest('hex'), abs };
}

/** Compiles a stored or new rule, reading its list files and checking them against `pins` when given. */
function compileWithLists(spec: RuleSpec, base: string, pins?: Record<string, string>): { compiled: CompiledRule; pins: Record<string, string> } {
  const found: Record<string, string> = {};
  const compiled = compileRule(spec, (f: ListFieldSpec) => {
    const { text, sha256, abs } = readList(f.file, base);
    if (pins && pins[abs] !== undefined && pins[abs] !== sha256) {
      throw new JobError('serial-list-changed', `the serial list changed since rule ${spec.name} was added (SHA-256 ${pins[abs].slice(0, 12)}… then, ${sha256.slice(0, 12)}… now); values already issued came from the old list — restore it or make a new rule`, { file: abs });
    }
    found[abs] = sha256;
    return parseListFile(text, abs) as ListRecord[];
  });
  return { compiled, pins: found };
}

/** Adds a serial rule from its document; list files are read, checked and pinned by SHA-256. Returns the rule id. */
export function addSerialRule(db: Db, doc: unknown, opts: { file?: string; by?: string | null } = {}): number {
  const spec = parseRuleSpec(doc, opts.file);
  const base = opts.file ? path.dirname(path.resolve(opts.file)) : process.cwd();
  const resolved = resolveListPaths(spec, base);
  const { pins } = compileWithLists(resolved, base);
  const store = new SerialStore(db);
  return store.transaction(() => {
    if (store.ruleByName(spec.name)) throw new JobError('serial-rule-exists', `a serial rule named ${spec.name} exists already; rules never change once made — choose another name`);
    return store.addRule(spec.name, JSON.stringify(resolved), JSON.stringify(pins), opts.by ?? null);
  });
}

/** The rule with list paths made absolute (a rule must not depend on the folder a later command runs in). */
function resolveListPaths(spec: RuleSpec, base: string): RuleSpec {
  if (!('fields' in spec)) return spec;
  return { ...spec, fields: spec.fields.map((f) => (f.kind === 'list' ? { ...f, file: path.resolve(base, f.file) } : f)) };
}

/** Opens a rule's ledger for a run: the stored rule compiled, its list files checked against their pins. */
export function openLedger(db: Db, ruleId: number): SerialLedger {
  const store = new SerialStore(db);
  const row = store.ruleById(ruleId);
  if (!row) throw new JobError('serial-rule-missing', `serial rule #${ruleId} is not in the database`);
  return new SerialLedger(store, row, compiledRule(row));
}

/** Compiles a stored rule (its list files must still match their pins). */
export function compiledRule(row: RuleRow): CompiledRule {
  const spec = parseRuleSpec(JSON.parse(row.spec));
  return compileWithLists(spec, process.cwd(), JSON.parse(row.pins) as Record<string, string>).compiled;
}

/** Where each field of a stored rule writes (first value, and every record of a list), for checking against a job. */
export function ruleWrites(db: Db, name: string): { ruleId: number; writes: { field: string; offset: number; length: number }[] } {
  const store = new SerialStore(db);
  const row = store.ruleByName(name);
  if (!row) {
    const known = store.rules().map((r) => r.name);
    throw new JobError('serial-rule-missing', `no serial rule named ${name}${known.length ? ` (rules: ${known.slice(0, 8).join(', ')})` : ''}; add it with \`gangflash serials rule add --file RULE.json\``);
  }
  const compiled = compiledRule(row);
  const out: { field: string; offset: number; length: number }[] = [];
  if (compiled.kind === 'computed') {
    const spec = parseRuleSpec(JSON.parse(row.spec));
    const first = compiled.valueAt(0n);
    const lists = 'fields' in spec ? spec.fields.filter((f) => f.kind === 'list') : [];
    for (const f of first.fields) {
      if (lists.some((l) => l.name === f.name)) continue;
      for (const w of f.writes) out.push({ field: f.name, offset: w.offset, length: w.bytes.length });
    }
    for (let k = 0n; k < compiled.capacity && lists.length > 0; k++) {
      for (const f of compiled.valueAt(k).fields) {
        if (!lists.some((l) => l.name === f.name)) continue;
        for (const w of f.writes) out.push({ field: f.name, offset: w.offset, length: w.bytes.length });
      }
    }
  }
  return { ruleId: row.id, writes: out };
}
