// The AMQP 1.0 message of one CFX envelope, encoded directly (OASIS AMQP 1.0, part 3 "Messaging" §3.2 sections and
// part 1 "Types" §1.6 encodings): header, properties, application-properties and one data section. rhea's generic
// encoder walks a type tree per message; this writes the same bytes with a few Buffer copies, and caches the
// application properties, which are the same for every message of a name.

/** A string as str8 (0xa1) or str32 (0xb1). */
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length < 256) return Buffer.concat([Buffer.from([0xa1, b.length]), b]);
  const h = Buffer.alloc(5);
  h[0] = 0xb1;
  h.writeUInt32BE(b.length, 1);
  return Buffer.concat([h, b]);
}

/** A symbol as sym8 (0xa3); symbols here are short ASCII. */
function sym(s: string): Buffer {
  return Buffer.concat([Buffer.from([0xa3, s.length]), Buffer.from(s, 'ascii')]);
}

/** A described section: 0x00, smallulong descriptor, then a list32 (0xd0) or map32 (0xd1) of `count` items. */
function section(code: number, kind: 0xd0 | 0xd1, count: number, items: Buffer[]): Buffer {
  const body = Buffer.concat(items);
  const h = Buffer.alloc(12);
  h[0] = 0x00;
  h[1] = 0x53;
  h[2] = code;
  h[3] = kind;
  h.writeUInt32BE(body.length + 4, 4);
  h.writeUInt32BE(count, 8);
  return Buffer.concat([h, body]);
}

/** header: durable = true (list of one boolean-true). */
const HEADER = Buffer.from([0x00, 0x53, 0x70, 0xc0, 0x02, 0x01, 0x41]);
const NULL = Buffer.from([0x40]);
const CONTENT_TYPE = sym('application/json');

/** application-properties by a key of name, handle and target. */
const appProps = new Map<string, Buffer>();

/** The fields of one message as the CFX AMQP guide asks for them. */
export interface CfxAmqpFields {
  messageId: string;
  subject: string;
  creationTime: Date;
  properties: Record<string, string>;
  /** What makes `properties` differ between messages (the message name, handle and target): the cache key. */
  propertiesKey: string;
  /** The envelope's JSON text: the one data section. */
  body: string;
}

/** The encoded AMQP 1.0 message (to hand to rhea's `Sender.send(payload, tag, 0)`), written into one buffer. */
export function encodeCfxMessage(m: CfxAmqpFields): Buffer {
  const key = m.propertiesKey;
  let ap = appProps.get(key);
  if (!ap) {
    const entries = Object.entries(m.properties);
    ap = section(0x74, 0xd1, entries.length * 2, entries.flatMap(([k, v]) => [str(k), str(v)]));
    if (appProps.size < 1000) appProps.set(key, ap);
  }
  const idLen = Buffer.byteLength(m.messageId, 'utf8');
  const subjectLen = Buffer.byteLength(m.subject, 'utf8');
  const strSize = (n: number) => (n < 256 ? 2 : 5) + n;
  // properties: message-id, user-id, to, subject, reply-to, correlation-id, content-type, content-encoding, absolute-expiry-time, creation-time
  const propsBody = strSize(idLen) + 2 + strSize(subjectLen) + 2 + CONTENT_TYPE.length + 2 + 9;
  const bodyLen = Buffer.byteLength(m.body, 'utf8');
  const size = HEADER.length + 12 + propsBody + ap.length + 8 + bodyLen;
  const out = Buffer.allocUnsafe(size);
  let o = HEADER.copy(out, 0);
  out[o++] = 0x00;
  out[o++] = 0x53;
  out[o++] = 0x73;
  out[o++] = 0xd0;
  o = out.writeUInt32BE(propsBody + 4, o);
  o = out.writeUInt32BE(10, o);
  const putStr = (s: string, n: number) => {
    if (n < 256) {
      out[o++] = 0xa1;
      out[o++] = n;
    } else {
      out[o++] = 0xb1;
      o = out.writeUInt32BE(n, o);
    }
    o += out.write(s, o, 'utf8');
  };
  putStr(m.messageId, idLen);
  out[o++] = 0x40;
  out[o++] = 0x40;
  putStr(m.subject, subjectLen);
  out[o++] = 0x40;
  out[o++] = 0x40;
  o += CONTENT_TYPE.copy(out, o);
  out[o++] = 0x40;
  out[o++] = 0x40;
  out[o++] = 0x83;
  o = out.writeBigInt64BE(BigInt(m.creationTime.getTime()), o);
  o += ap.copy(out, o);
  out[o++] = 0x00;
  out[o++] = 0x53;
  out[o++] = 0x75;
  out[o++] = 0xb0;
  o = out.writeUInt32BE(bodyLen, o);
  out.write(m.body, o, 'utf8');
  return out;
}
