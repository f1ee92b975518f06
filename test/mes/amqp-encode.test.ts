import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeCfxMessage } from '../../src/mes/amqp-encode.js';

const rhea = createRequire(import.meta.url)('rhea') as typeof import('rhea');

describe('AMQP 1.0 encoding of a CFX envelope', () => {
  it('decodes with rhea to a durable message with its message-id, subject, content type, creation time, cfx properties and one data section', () => {
    const props = { 'cfx-topic': 'CFX.Production', 'cfx-message': 'CFX.Production.WorkStarted', 'cfx-handle': 'Acme.Line3.Prog-07', 'cfx-target': '' };
    for (const body of ['{"MessageName":"CFX.Production.WorkStarted","Note":"ünïcode"}', `{"Long":"${'x'.repeat(70_000)}"}`]) {
      for (const subject of ['Acme.Line3.Prog-07.CFX.Production.WorkStarted', `S.${'y'.repeat(300)}`]) {
        const at = new Date('2026-11-27T02:53:37.081Z');
        const m = rhea.message.decode(encodeCfxMessage({ messageId: '9b0c6e7a-1111-4222-8333-944455556666', subject, creationTime: at, properties: props, propertiesKey: 'k', body }));
        expect(m).toMatchObject({ durable: true, message_id: '9b0c6e7a-1111-4222-8333-944455556666', subject, content_type: 'application/json', application_properties: props });
        expect((m.creation_time as Date).getTime()).toBe(at.getTime());
        const section = m.body as { typecode: number; content: Buffer };
        expect(section.typecode).toBe(0x75);
        expect(section.content.toString('utf8')).toBe(body);
      }
    }
  });
});
