import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobError } from '../errors.js';
import type { LedgerRow, RuleRow, SerialStore } from '../store/serial-ledger.js';
import { toHex } from './encode.js';
import { callGenerator } from './generator.js';
import { GeneratorStop, type DatAnswer } from './dat-file.js';
import type { CompiledRule } from './rule.js';
import type { FieldValue, SerialBytes } from './value.js';

/** A device asking for a value: where it is and which insertion of it this is. */
export interface LedgerDevice {
  lot: string;
  reel: string;
  seq: number;
  attempt: number;
}

/** A value held by a device: the ledger's key, its text and every byte it writes. */
export interface Issue {
  ruleId: number;
  k: number;
  value: string;
  fields: FieldValue[];
}

/** How an attempt ended, as the ledger needs to know it. */
export interface SettleOutcome {
  passed: boolean;
  /** False only when the device failed before any byte of the serial's region could have been programmed. */
  regionTouched: boolean;
  attempt: number;
  reason: string | null;
  /** True when the device will be inserted again (a retry): a returned or voided value is not kept for it. */
  retry: boolean;
}

/** Index ranges [firstK, endK) fresh values may come from: the serial blocks a hub leased to this station. */
export interface SerialBlocks {
  ranges(): { firstK: number; endK: number }[];
}

/** The rule cannot give the values asked for; the lot stops before the devices that would need them. */
export class SerialExhausted extends JobError {}

/** Failure stages before which nothing was programmed (identify, erase, blank check). */
export const UNTOUCHED_STAGES = new Set(['id', 'erase', 'blank']);

/**
 * Issues a rule's values to devices and follows each to its end. Every value gets one ledger row whose UNIQUE index
 * makes a second issue impossible; a value returns to the pool only when its device failed before any byte of its
 * region was programmed, otherwise it is voided for ever. Call `allocate` and `settle` inside the transaction that
 * records the device's attempt.
 */
export class SerialLedger {
  private pending: DatAnswer[] = [];
  private stop: JobError | undefined;
  private workDir: string | undefined;
  private blocks: SerialBlocks | undefined;

  constructor(private readonly store: SerialStore, private readonly rule: RuleRow, private readonly compiled: CompiledRule) {}

  /** The rule's name. */
  get name(): string {
    return this.rule.name;
  }

  /** The rule's id in this database. */
  get ruleId(): number {
    return this.rule.id;
  }

  /** The rule as stored (its spec is what a hub compares), and how many values it can make (null: a generator decides). */
  get definition(): { name: string; spec: string; capacity: bigint | null } {
    return { name: this.rule.name, spec: this.rule.spec, capacity: this.compiled.kind === 'generator' ? null : this.compiled.capacity };
  }

  /** The index of the next fresh value (every index below it was issued here or skipped). */
  nextIndex(): number {
    return this.store.ruleById(this.rule.id)!.nextK;
  }

  /** From now on fresh values come only from these index ranges (a station of a hub); returned values still go first. */
  useBlocks(blocks: SerialBlocks): void {
    if (this.compiled.kind === 'generator') {
      throw new JobError('serial-generator-on-hub', `serial rule ${this.rule.name} calls a generator program, which a hub cannot hand out in blocks; use a computed rule for a lot run through a hub`);
    }
    this.blocks = blocks;
  }

  /** Values the rule can still issue (fresh and returned), or null when a generator decides. */
  remaining(): bigint | null {
    if (this.compiled.kind === 'generator') return null;
    const row = this.store.ruleById(this.rule.id)!;
    const returned = BigInt(this.store.returnedCount(this.rule.id));
    if (this.blocks) {
      let left = 0;
      for (const b of this.blocks.ranges()) left += Math.max(0, b.endK - Math.max(b.firstK, row.nextK));
      return BigInt(left) + returned;
    }
    return this.compiled.capacity - BigInt(row.nextK) + returned;
  }

  /** The first index at or after `k` inside a held block, or null when the blocks are used up. */
  private inBlock(k: number, ranges: { firstK: number; endK: number }[]): number | null {
    for (const b of ranges) if (k < b.endK) return Math.max(k, b.firstK);
    return null;
  }

  /** How many of `n` devices can get a value now (after `prefetch`); fewer only when the rule is running dry. */
  available(n: number): number {
    const left = this.remaining();
    if (left !== null) return left < BigInt(n) ? Number(left < 0n ? 0n : left) : n;
    if (!this.stop) return n;
    return Math.min(n, this.pending.length + this.store.returnedCount(this.rule.id));
  }

  /** Why the rule can give no more values (after `available` came short), as the error that stops the lot. */
  dry(): SerialExhausted {
    return this.stop instanceof SerialExhausted ? this.stop : this.stop ? new SerialExhausted(this.stop.code, this.stop.message) : this.exhausted();
  }

  /** For generator rules: calls the generator until `n` fresh answers wait (outside any transaction). */
  async prefetch(n: number): Promise<void> {
    if (this.compiled.kind !== 'generator' || this.stop) return;
    const returned = this.store.returnedCount(this.rule.id);
    const gen = this.compiled.generator;
    this.workDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'gangflash-serial-'));
    while (this.pending.length + returned < n) {
      const last = this.pending.at(-1);
      const current = last ? last.next : (this.store.ruleById(this.rule.id)!.cursor ?? gen.start);
      try {
        this.pending.push(await callGenerator(gen, current, this.workDir));
      } catch (e) {
        if (!(e instanceof JobError)) throw e;
        this.stop = e instanceof GeneratorStop ? new SerialExhausted(e.code, e.message, { file: e.file, line: e.line }) : e;
        return;
      }
    }
  }

  /** Gives every device a value (the one it already holds, a returned one, or a fresh one); inside a transaction. */
  allocate(devices: LedgerDevice[], at: string): Issue[] {
    const id = this.rule.id;
    const row = this.store.ruleById(id)!;
    let nextK = row.nextK;
    let cursor = row.cursor;
    let used = 0;
    const ranges = this.blocks?.ranges();
    const out = devices.map((d) => {
      const held = this.store.holder(id, d.lot, d.reel, d.seq);
      if (held) return issueOf(held);
      const back = this.store.firstReturned(id);
      if (back) {
        this.store.reissue(id, back.k, d.lot, d.reel, d.seq, d.attempt, at);
        return issueOf(back);
      }
      let fields: FieldValue[];
      let value: string;
      if (this.compiled.kind === 'computed') {
        if (ranges) {
          const k = this.inBlock(nextK, ranges);
          if (k === null) throw this.exhausted();
          nextK = k;
        }
        if (BigInt(nextK) >= this.compiled.capacity) throw this.exhausted();
        ({ value, fields } = this.compiled.valueAt(BigInt(nextK)));
      } else {
        const a = this.pending[used];
        if (!a) throw this.stop ?? this.exhausted();
        used++;
        value = a.current;
        fields = [{ name: 'serial', text: a.current, writes: a.writes }];
        cursor = a.next;
      }
      try {
        this.store.insertValue(id, nextK, value, encodeFields(fields), d.lot, d.reel, d.seq, d.attempt, at);
      } catch (e) {
        if (/UNIQUE constraint failed: serial_ledger\.rule_id, serial_ledger\.value/.test(String((e as Error).message))) {
          throw new SerialExhausted('serial-repeated', `serial rule ${this.rule.name} produced ${value}, a value it issued before; it is never issued twice, so the lot stops here — fix the rule or its generator`);
        }
        throw e;
      }
      nextK++;
      return { ruleId: id, k: nextK - 1, value, fields };
    });
    this.store.advance(id, nextK, cursor);
    // Answers are consumed only once the transaction commits; the caller calls `committed()` then.
    this.consumed = used;
    return out;
  }

  private consumed = 0;

  /** Drops the generator answers the last `allocate` used, after its transaction committed. */
  committed(): void {
    this.pending.splice(0, this.consumed);
    this.consumed = 0;
  }

  /** Follows a value to the end of its device's attempt; inside the attempt's recording transaction. */
  settle(issue: Issue, o: SettleOutcome, at: string): void {
    if (o.passed) this.store.setState(issue.ruleId, issue.k, 'committed', null, o.attempt, at);
    else if (!o.regionTouched) this.store.release(issue.ruleId, issue.k, `returned: device failed before programming (${o.reason ?? 'failed'})`, at);
    else if (o.retry) this.store.setState(issue.ruleId, issue.k, 'voided', `voided: ${o.reason ?? 'failed'} after programming began; the retry takes another value`, o.attempt, at);
    else this.store.setState(issue.ruleId, issue.k, 'voided', `voided: ${o.reason ?? 'failed'} after programming began`, o.attempt, at);
  }

  /** Voids the values of a lot left open by a run that stopped without recording them (a crash or a kill). */
  recover(lot: string, at: string): number {
    const open = this.store.openOfLot(lot).filter((r) => r.ruleId === this.rule.id);
    for (const r of open) this.store.setState(r.ruleId, r.k, 'voided', 'voided: the run stopped while the device held it; it may be in the chip', null, at);
    return open.length;
  }

  private exhausted(): SerialExhausted {
    return new SerialExhausted('serial-exhausted', `serial rule ${this.rule.name} has no value left for the next device; the lot stops before it (extend the rule's end, or make a new rule)`);
  }
}

/** The bytes every field of an issue writes, flattened. */
export function issueWrites(issue: Issue): SerialBytes[] {
  return issue.fields.flatMap((f) => f.writes);
}

function encodeFields(fields: FieldValue[]): string {
  return JSON.stringify(fields.map((f) => ({ name: f.name, text: f.text, writes: f.writes.map((w) => ({ offset: w.offset, hex: toHex(w.bytes) })) })));
}

/** The issue recorded in a ledger row. */
export function issueOf(row: LedgerRow): Issue {
  const fields = (JSON.parse(row.data) as { name: string; text: string; writes: { offset: number; hex: string }[] }[]).map((f) => ({
    name: f.name,
    text: f.text,
    writes: f.writes.map((w) => ({ offset: w.offset, bytes: Uint8Array.from(Buffer.from(w.hex, 'hex')) })),
  }));
  return { ruleId: row.ruleId, k: row.k, value: row.value, fields };
}
