// Several CFX envelopes in one AMQP 1.0 message, as the IPC CFX SDK does it (CFX/Transport/AmqpUtilities.cs,
// MessageFromEnvelopes: the data section is a JSON array of envelopes and the message's headers are those of the
// first; EnvelopesFromMessage decodes an array or a single envelope alike). Every AMQP message costs the broker and
// rhea the same whatever its size (measured: 38 µs of RabbitMQ 3.10 and 33 µs of this process per message), so the
// publisher packs a batch's envelopes into a few messages. Only envelopes of one MessageName share a message, so the
// subject and the cfx-* properties that brokers route on stay true for every envelope in it.
import type { WireEnvelope } from './envelope.js';

/** Env var: most envelopes per AMQP message (1: one envelope per message, never an array). */
export const MES_PACK_ENV = 'GANGFLASH_MES_PACK';

/** Envelopes per AMQP message unless GANGFLASH_MES_PACK says otherwise. */
export const DEFAULT_PACK = 50;

/** Most characters of envelope text in one packed message (JSON, ASCII but for names and serials: about 64 KiB, far under any broker's message limit). */
export const PACK_MAX_CHARS = 64 * 1024;

/** One AMQP message to send: which envelopes of the batch it carries (ascending indexes) and its data section. */
export interface Pack {
  /** Indexes into the batch, ascending; the first one's envelope gives the message its headers. */
  rows: number[];
  /** The envelope's text, or `[e1,e2,…]` when it carries several. */
  body: string;
}

/** The pack size GANGFLASH_MES_PACK asks for (1..1000), or the default. */
export function packSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MES_PACK_ENV];
  return raw !== undefined && /^\d{1,4}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 1000 ? Number(raw) : DEFAULT_PACK;
}

/**
 * Groups a batch into AMQP messages: consecutive envelopes of one MessageName (in id order, interleaved with other
 * names) share a message until it holds `max` envelopes or `maxChars` of text. Packs come out ordered by their first
 * envelope, so a receiver sees each message name in outbox order.
 */
export function packEnvelopes(batch: readonly WireEnvelope[], max: number, maxChars = PACK_MAX_CHARS): Pack[] {
  const packs: { rows: number[]; texts: string[]; chars: number }[] = [];
  const open = new Map<string, (typeof packs)[number]>();
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i];
    let p = open.get(e.MessageName);
    if (p && (p.rows.length >= max || p.chars + e.text.length > maxChars)) p = undefined;
    if (!p) {
      p = { rows: [], texts: [], chars: 0 };
      packs.push(p);
      open.set(e.MessageName, p);
    }
    p.rows.push(i);
    p.texts.push(e.text);
    p.chars += e.text.length + 1;
  }
  return packs.map((p) => ({ rows: p.rows, body: p.texts.length === 1 ? p.texts[0] : `[${p.texts.join(',')}]` }));
}
