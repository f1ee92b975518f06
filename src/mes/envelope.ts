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
  const rest = row.body.length > 2 ? `,${row.body.slice(1)}` : '}';
  const text =
    `{"MessageName":${JSON.stringify(row.messageName)},"Version":"${CFX_VERSION}","TimeStamp":${JSON.stringify(row.timeStamp)},` +
    `"UniqueID":${JSON.stringify(row.uniqueId)},"Source":${JSON.stringify(handle)},"Target":${JSON.stringify(target)},"RequestID":null,` +
    `"MessageBody":{"$type":${JSON.stringify(`${row.messageName}, CFX`)}${rest}}`;
  return { MessageName: row.messageName, TimeStamp: row.timeStamp, UniqueID: row.uniqueId, Source: handle, Target: target, text };
}

/** The CFX topic of a message name: its namespace (CFX.Production.Processing for …UnitsProcessed). */
export function topicOf(messageName: string): string {
  return messageName.slice(0, messageName.lastIndexOf('.'));
}
