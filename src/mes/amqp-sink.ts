import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Connection, ConnectionOptions, Delivery, EventContext, Sender } from 'rhea';
import { topicOf, type WireEnvelope } from './envelope.js';
import type { MesSink } from './sink.js';
import { encodeCfxMessage } from './amqp-encode.js';
import { DEFAULT_PACK, packEnvelopes } from './amqp-pack.js';

/**
 * rhea, loaded on the first connection (CommonJS exporting a container instance: loaded through require so its
 * functions keep their `this`). Not at import: every `run` imports this module through the MES settings, and rhea
 * with its dependencies is ~25 modules a run without an AMQP broker never uses.
 */
let rheaModule: typeof import('rhea') | undefined;
const rhea = (): typeof import('rhea') => (rheaModule ??= createRequire(import.meta.url)('rhea') as typeof import('rhea'));

/** Ms to wait for the connection and the sender link before the attempt counts as failed (and backs off). */
const OPEN_TIMEOUT_MS = 10_000;

/** Where and how to reach the broker; credentials and TLS files come from the environment (src/mes/settings.ts). */
export interface AmqpTarget {
  /** amqp://host:port or amqps://host:port, without credentials. */
  broker: string;
  /** Target address, e.g. /exchange/cfx/Acme.Line3 or /queue/cfx (RabbitMQ 3.x AMQP 1.0 plugin). */
  address: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the broker's certificate (amqps). */
  caFile?: string;
  /** Ms a batch may wait for the broker's settlement before the connection is dropped and the batch retried. @default 15000 */
  settleTimeoutMs?: number;
  /** Most envelopes of one MessageName per AMQP message (a JSON array, as the CFX SDK sends them); 1 sends one each. @default 50 */
  pack?: number;
}

/**
 * The AMQP 1.0 sink (rhea): one connection and sender link, every message durable, carrying up to `pack` envelopes
 * of one MessageName (src/mes/amqp-pack.ts) with message-id = its first envelope's UniqueID, subject
 * `<handle>.<MessageName>` and the cfx-* application properties of IPC's AMQP 1.0 guide; an envelope counts as sent
 * only when the broker settled its message as accepted.
 */
export class AmqpSink implements MesSink {
  readonly describe: string;
  private conn: Connection | undefined;
  private sender: Sender | undefined;
  private opening: Promise<Sender> | undefined;

  constructor(private readonly t: AmqpTarget) {
    this.describe = `amqp ${t.broker} ${t.address}`;
  }

  /** Opens the connection and the sender link (once; again after a failure). */
  private open(): Promise<Sender> {
    if (this.sender?.is_open() && this.conn?.is_open()) return Promise.resolve(this.sender);
    if (this.opening) return this.opening;
    const url = new URL(this.t.broker);
    const tls = url.protocol === 'amqps:';
    const options: ConnectionOptions = {
      host: url.hostname,
      port: Number(url.port || (tls ? 5671 : 5672)),
      reconnect: false,
      ...(this.t.username !== undefined ? { username: this.t.username, password: this.t.password ?? '' } : {}),
      ...(tls ? { transport: 'tls' as const, servername: url.hostname, ...(this.t.caFile ? { ca: fs.readFileSync(this.t.caFile) } : {}) } : {}),
    } as ConnectionOptions;
    this.opening = new Promise<Sender>((resolve, reject) => {
      const container = rhea().create_container();
      const conn = container.connect(options);
      this.conn = conn;
      const fail = (e: unknown) => {
        if (this.conn !== conn) return; // an old connection's late event: the current one is not touched
        clearTimeout(timer);
        this.opening = undefined;
        this.drop();
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      conn.on('connection_error', (ctx: EventContext) => fail(ctx.connection.error ?? new Error('connection refused by the broker')));
      conn.on('disconnected', (ctx: EventContext) => fail(ctx.error ?? new Error('disconnected from the broker')));
      conn.on('error', (ctx: EventContext) => fail(ctx.error ?? ctx.connection?.error ?? new Error('AMQP error')));
      const sender = conn.open_sender({ target: { address: this.t.address, durable: 2 }, autosettle: true });
      sender.on('sender_error', (ctx: EventContext) => fail(ctx.sender?.error ?? new Error('the broker refused the sender link')));
      const timer = setTimeout(() => fail(new Error(`no answer from the broker ${this.t.broker} within ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS);
      sender.once('sendable', () => {
        clearTimeout(timer);
        this.opening = undefined;
        this.sender = sender;
        resolve(sender);
      });
    });
    return this.opening;
  }

  /** Forgets the connection (closed or broken); the next send opens a new one. */
  private drop(): void {
    const c = this.conn;
    this.conn = undefined;
    this.sender = undefined;
    try {
      c?.close();
    } catch {
      /* already gone */
    }
    c?.socket?.destroy?.();
  }

  async send(batch: WireEnvelope[]): Promise<number> {
    if (batch.length === 0) return 0;
    const sender = await this.open();
    const conn = this.conn as Connection;
    const packs = packEnvelopes(batch, this.t.pack ?? DEFAULT_PACK);
    return new Promise<number>((resolve, reject) => {
      const outcome: (boolean | undefined)[] = packs.map(() => undefined);
      const packOf = new Int32Array(batch.length);
      packs.forEach((p, k) => p.rows.forEach((i) => (packOf[i] = k)));
      const byDelivery = new Map<Delivery, number>();
      let next = 0;
      let settled = 0;
      let done = false;
      /** Envelopes from the batch's start whose messages the broker accepted. */
      const accepted = () => {
        let n = 0;
        while (n < batch.length && outcome[packOf[n]] === true) n++;
        return n;
      };
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sender.removeListener('accepted', onAccepted);
        sender.removeListener('rejected', onRefused);
        sender.removeListener('released', onRefused);
        sender.removeListener('modified', onRefused);
        sender.removeListener('sendable', push);
        conn.removeListener('disconnected', onGone);
        const n = accepted();
        if (error && this.conn === conn) this.drop();
        if (error && n === 0) reject(error);
        else resolve(n);
      };
      const onAccepted = (ctx: EventContext) => {
        const k = ctx.delivery ? byDelivery.get(ctx.delivery) : undefined;
        if (k === undefined || outcome[k] === true) return;
        outcome[k] = true;
        if (++settled === packs.length) finish();
      };
      const onRefused = (ctx: EventContext) => {
        const k = ctx.delivery ? byDelivery.get(ctx.delivery) : undefined;
        if (k === undefined) return;
        outcome[k] = false;
        finish(new Error(`the broker did not accept message ${batch[packs[k].rows[0]].UniqueID} (${JSON.stringify(ctx.delivery?.remote_state ?? 'refused')})`));
      };
      const onGone = (ctx: EventContext) => finish(ctx.error instanceof Error ? ctx.error : new Error('disconnected from the broker'));
      const push = () => {
        // One writev for the batch's frames instead of a socket write per frame (rhea writes each frame as it is made).
        const socket = (conn as unknown as { socket?: { cork(): void; uncork(): void } }).socket;
        socket?.cork();
        setImmediate(() => socket?.uncork());
        while (next < packs.length && sender.sendable()) {
          const p = packs[next];
          const e = batch[p.rows[0]];
          const d = sender.send(
            encodeCfxMessage({
              messageId: e.UniqueID,
              subject: `${e.Source}.${e.MessageName}`,
              creationTime: new Date(e.TimeStamp),
              properties: { 'cfx-topic': topicOf(e.MessageName), 'cfx-message': e.MessageName, 'cfx-handle': e.Source, 'cfx-target': e.Target ?? '' },
              propertiesKey: `${e.MessageName}\n${e.Source}\n${e.Target ?? ''}`,
              body: p.body,
            }),
            undefined,
            0, // message format 0: the payload is an encoded AMQP 1.0 message
          );
          byDelivery.set(d, next);
          next++;
        }
      };
      const timer = setTimeout(() => finish(new Error(`the broker settled ${accepted()} of ${batch.length} message(s) within ${this.t.settleTimeoutMs ?? 15000} ms`)), this.t.settleTimeoutMs ?? 15000);
      sender.on('accepted', onAccepted);
      sender.on('rejected', onRefused);
      sender.on('released', onRefused);
      sender.on('modified', onRefused);
      sender.on('sendable', push);
      conn.on('disconnected', onGone);
      push();
    });
  }

  async close(): Promise<void> {
    const c = this.conn;
    if (!c) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      c.once('connection_close', () => {
        clearTimeout(t);
        resolve();
      });
      try {
        c.close();
      } catch {
        clearTimeout(t);
        resolve();
      }
    });
    this.drop();
  }
}
