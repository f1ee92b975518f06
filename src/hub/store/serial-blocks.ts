import { HubError } from '../../errors.js';
import { q, type Hub } from '../connection.js';

/** A block of a serial rule's value indexes [firstK, endK) leased to one station. */
export interface SerialBlock {
  id: number;
  rule: string;
  ruleId: number;
  firstK: number;
  endK: number;
}

const S = {
  put: {
    name: 'hub.serials.rule-put',
    text: `INSERT INTO serial_rules (name, spec, capacity) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id::int AS id`,
  },
  byName: { name: 'hub.serials.rule', text: `SELECT id::int AS id, spec, capacity::text AS capacity, next_k::text AS "nextK" FROM serial_rules WHERE name = $1` },
  lock: { name: 'hub.serials.rule-lock', text: `SELECT id::int AS id, capacity::text AS capacity, next_k::text AS "nextK" FROM serial_rules WHERE name = $1 FOR UPDATE` },
  advance: { name: 'hub.serials.advance', text: `UPDATE serial_rules SET next_k = $2 WHERE id = $1` },
  block: {
    name: 'hub.serials.block',
    text: `INSERT INTO serial_blocks (rule_id, first_k, end_k, station, lot_id) VALUES ($1, $2, $3, $4, $5) RETURNING id::int AS id`,
  },
  blocksOf: {
    name: 'hub.serials.blocks-of',
    text: `SELECT b.id::int AS id, r.name AS rule, b.rule_id::int AS "ruleId", b.first_k::text AS "firstK", b.end_k::text AS "endK"
           FROM serial_blocks b JOIN serial_rules r ON r.id = b.rule_id WHERE b.station = $1 ORDER BY b.id`,
  },
} as const;

/** Records a serial rule on the hub (idempotent); refuses a rule of that name with another spec. */
export async function putRule(hub: Hub, name: string, spec: unknown, capacity: bigint | null): Promise<number> {
  return hub.tx(async (c) => {
    const made = await q<{ id: number }>(c, S.put, [name, JSON.stringify(spec), capacity === null ? null : capacity.toString()]);
    if (made.length > 0) return made[0].id;
    const [had] = await q<{ id: number; spec: unknown }>(c, S.byName, [name]);
    if (JSON.stringify(sortKeys(had.spec)) !== JSON.stringify(sortKeys(spec))) {
      throw new HubError('rule-differs', `serial rule ${name} exists on the hub with another definition; a rule never changes once values are issued: make a new rule`);
    }
    return had.id;
  });
}

/**
 * Leases the rule's next `n` value indexes to a station (fewer when the rule is running dry; null when it is dry).
 * The row lock on the rule orders stations; the exclusion constraint makes overlapping blocks impossible anyway.
 */
export async function leaseSerialBlock(hub: Hub, rule: string, station: string, lot: string | null, n: number): Promise<SerialBlock | null> {
  if (!Number.isSafeInteger(n) || n < 1) throw new HubError('bad-block-size', `a serial block holds at least one value (asked: ${n})`);
  return hub.tx(async (c) => {
    const [r] = await q<{ id: number; capacity: string | null; nextK: string }>(c, S.lock, [rule]);
    if (!r) throw new HubError('rule-unknown', `serial rule ${rule} is not on the hub: release the job that uses it with --hub first`);
    const first = BigInt(r.nextK);
    const left = r.capacity === null ? BigInt(n) : BigInt(r.capacity) - first;
    const size = left < BigInt(n) ? left : BigInt(n);
    if (size <= 0n) return null;
    const end = first + size;
    await q(c, S.advance, [r.id, end.toString()]);
    const [b] = await q<{ id: number }>(c, S.block, [r.id, first.toString(), end.toString(), station, lot]);
    return { id: b.id, rule, ruleId: r.id, firstK: Number(first), endK: Number(end) };
  });
}

/**
 * Records value indexes [firstK, endK) of a rule as a station's own block: the values it issued before it joined the
 * hub. Refused (serial-range-taken) when another station holds a block there: their values would repeat.
 */
export async function claimSerialRange(hub: Hub, rule: string, station: string, firstK: number, endK: number): Promise<void> {
  try {
    await hub.tx(async (c) => {
      const [r] = await q<{ id: number; capacity: string | null; nextK: string }>(c, S.lock, [rule]);
      if (!r) throw new HubError('rule-unknown', `serial rule ${rule} is not on the hub: release the job that uses it with --hub first`);
      await q(c, S.block, [r.id, firstK, endK, station, null]);
      if (BigInt(r.nextK) < BigInt(endK)) await q(c, S.advance, [r.id, String(endK)]);
    });
  } catch (e) {
    if ((e as { code?: string }).code !== '23P01') throw e;
    throw new HubError(
      'serial-range-taken',
      `station ${station} issued values ${firstK}…${endK - 1} of serial rule ${rule} before it joined the hub, and another station holds a block there: those values would repeat; give this station a new rule or a fresh journal`,
    );
  }
}

/** Every block a station was ever leased, oldest first. */
export async function blocksOfStation(hub: Hub, station: string): Promise<SerialBlock[]> {
  const rows = await hub.run<{ id: number; rule: string; ruleId: number; firstK: string; endK: string }>(S.blocksOf, [station]);
  return rows.map((b) => ({ ...b, firstK: Number(b.firstK), endK: Number(b.endK) }));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}
