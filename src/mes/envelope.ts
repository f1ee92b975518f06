import type { OutboxRow } from '../store/outbox.js';

/** The CFX version the envelopes declare (GenericProcessData came with CFX 2.1). */
export const CFX_VERSION = '2.1';

/**
 * One IPC-CFX envelope ready to send: its JSON text {MessageName, Version, TimeStamp, UniqueID, Source, Target,
 * RequestID, MessageBody} (CFX/CFXEnvelope.cs in the IPC CFX SDK) and the fields a transport puts in its headers.
 */
export interface WireEnvelope {
  MessageName: string;
  TimeStamp: string;
  UniqueID: string;
  Source: string;
  Target: string | null;
  /** The envelope as UTF-8 JSON, byte for byte the same on every resend. */
  text: string;
}

/**
 * The envelope of one outbox message. The stored body is spliced into the text as it is (no parse and re-encode:
 * the publisher runs on the recording thread), with the body's `$type` first, as the CFX SDK writes it.
 */
export function wireOf(row: Pick<OutboxRow, 'messageName' | 'timeStamp' | 'uniqueId' | 'body'>, handle: string, target: string | null): WireEnvelope {
  const [head, mid, tail] = partsOf(row.messageName, handle, target);
  const rest = row.body.length > 2 ? `,${row.body.slice(1)}` : '}';
  const text = `${head}${JSON.stringify(row.timeStamp)}${mid}${JSON.stringify(row.uniqueId)}${tail}${rest}}`;
  return { MessageName: row.messageName, TimeStamp: row.timeStamp, UniqueID: row.uniqueId, Source: handle, Target: target, text };
}

/** The constant text around an envelope's TimeStamp and UniqueID by message name, for one handle and target. */
let cache: { handle: string; target: string | null; byName: Map<string, [string, string, string]> } = { handle: '', target: null, byName: new Map() };

function partsOf(messageName: string, handle: string, target: string | null): [string, string, string] {
  if (cache.handle !== handle || cache.target !== target) cache = { handle, target, byName: new Map() };
  let p = cache.byName.get(messageName);
  if (!p) {
    p = [
      `{"MessageName":${JSON.stringify(messageName)},"Version":"${CFX_VERSION}","TimeStamp":`,
      `,"UniqueID":`,
      `,"Source":${JSON.stringify(handle)},"Target":${JSON.stringify(target)},"RequestID":null,"MessageBody":{"$type":${JSON.stringify(`${messageName}, CFX`)}`,
    ];
    if (cache.byName.size < 1000) cache.byName.set(messageName, p);
  }
  return p;
}

/** The CFX topic of a message name: its namespace (CFX.Production.Processing for …UnitsProcessed). */
export function topicOf(messageName: string): string {
  return messageName.slice(0, messageName.lastIndexOf('.'));
}
