import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Connection, EventContext } from 'rhea';
import type { Envelope } from './cfx-check.js';

const rhea = createRequire(import.meta.url)('rhea') as typeof import('rhea');

/** The AMQP 1.0 broker the MES tests use (scripts/services.sh starts RabbitMQ with its AMQP 1.0 plugin). */
export const BROKER = { host: '127.0.0.1', port: 5672, url: 'amqp://127.0.0.1:5672' };

/** True when something listens on the broker's port. */
async function listening(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(BROKER.port, BROKER.host);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * Whether the broker tests can run: they skip with a printed reason without a broker, and fail in CI (CI=true),
 * where `.ci/run` starts one.
 */
export async function brokerAvailable(): Promise<boolean> {
  if (await listening()) return true;
  const why = `no AMQP 1.0 broker on ${BROKER.host}:${BROKER.port} (scripts/services.sh starts RabbitMQ with rabbitmq_amqp1_0)`;
  if (process.env.CI === 'true') throw new Error(`MES broker tests: ${why}; CI must provide it`);
  console.log(`skipping the MES broker tests: ${why}`);
  return false;
}

/** True when rabbitmqctl can stop and start the local broker's app (the outage test needs it). */
export function canControlBroker(): boolean {
  try {
    execFileSync('rabbitmqctl', ['-q', 'status'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Runs `rabbitmqctl ARGS` (stop_app, start_app, delete_queue NAME, …). */
export function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'ignore', timeout: 60_000 });
}

/**
 * An independent AMQP 1.0 receiver on `/queue/NAME` (RabbitMQ 3.x declares the durable queue on attach); it
 * accepts every message after recording its envelope. After a broker restart it opens a fresh connection and link
 * (rhea's own reconnect re-attaches the old link, and RabbitMQ 3.10 then sent nothing more to a link that had
 * received messages before: seen on this machine).
 */
export class CfxReceiver {
  readonly envelopes: Envelope[] = [];
  /** Problems with what arrived: not JSON, a message-id or subject that does not match its envelopes. */
  readonly nonJson: string[] = [];
  /** AMQP messages received (each carries one envelope or an array of them). */
  messages = 0;
  private conn: Connection | undefined;
  private closing = false;
  readonly ready: Promise<void>;

  constructor(readonly queue: string) {
    this.ready = new Promise((resolve) => this.connect(resolve));
  }

  private connect(opened?: () => void): void {
    if (this.closing) return;
    const conn = rhea.create_container().connect({ host: BROKER.host, port: BROKER.port, reconnect: false });
    this.conn = conn;
    let again = false;
    const retry = () => {
      if (again) return;
      again = true;
      setTimeout(() => this.connect(opened), 300);
    };
    conn.on('error', () => {});
    conn.on('connection_error', retry);
    conn.on('disconnected', retry);
    const r = conn.open_receiver({ source: { address: `/queue/${this.queue}`, durable: 2 }, autoaccept: true, credit_window: 500 });
    r.once('receiver_open', () => opened?.());
    r.on('message', (ctx: EventContext) => {
      const m = ctx.message;
      const b = m?.body as { content?: Buffer } | undefined;
      const text = b?.content ? b.content.toString('utf8') : String(m?.body);
      try {
        // One envelope, or a JSON array of envelopes of one MessageName (as the CFX SDK's EnvelopesFromMessage reads both).
        const parsed = JSON.parse(text) as Envelope | Envelope[];
        const list = Array.isArray(parsed) ? parsed : [parsed];
        this.messages++;
        if (m?.message_id !== list[0]?.UniqueID) this.nonJson.push(`message-id ${String(m?.message_id)} is not the first UniqueID ${list[0]?.UniqueID}`);
        for (const e of list) {
          if (m?.subject !== `${String(e.Source)}.${e.MessageName}`) this.nonJson.push(`subject ${String(m?.subject)} does not name ${e.MessageName}`);
          this.envelopes.push(e);
        }
      } catch {
        this.nonJson.push(text.slice(0, 100));
      }
    });
  }

  /** Closes the connection and waits for the broker's close (at most 3 s). */
  async close(): Promise<void> {
    this.closing = true;
    const conn = this.conn;
    if (!conn) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 3000);
      conn.once('connection_close', () => (clearTimeout(t), resolve()));
      conn.close();
    });
  }
}
