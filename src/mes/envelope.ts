import type { OutboxRow } from '../store/outbox.js';

/** The CFX version the envelopes declare (GenericProcessData came with CFX 2.1). */
export const CFX_VERSION = '2.1';

/** An IPC-CFX envelope (CFX/CFXEnvelope.cs in the IPC CFX SDK). */
export interface CfxEnvelope {
  MessageName: string;
  Version: string;
  TimeStamp: string;
  UniqueID: string;
  Source: string;
  Target: string | null;
  RequestID: string | null;
  MessageBody: Record<string, unknown>;
}

/** The envelope of one outbox message: the same bytes on every resend (its UniqueID and TimeStamp are stored). */
export function envelopeOf(row: Pick<OutboxRow, 'messageName' | 'timeStamp' | 'uniqueId' | 'body'>, handle: string, target: string | null): CfxEnvelope {
  return {
    MessageName: row.messageName,
    Version: CFX_VERSION,
    TimeStamp: row.timeStamp,
    UniqueID: row.uniqueId,
    Source: handle,
    Target: target,
    RequestID: null,
    MessageBody: { $type: `${row.messageName}, CFX`, ...(JSON.parse(row.body) as Record<string, unknown>) },
  };
}

/** The CFX topic of a message name: its namespace (CFX.Production.Processing for …UnitsProcessed). */
export function topicOf(messageName: string): string {
  return messageName.slice(0, messageName.lastIndexOf('.'));
}
