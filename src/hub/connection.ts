import pg from 'pg';
import { HubError } from '../errors.js';
import { redact } from './url.js';

/** A client of the hub inside a transaction or a single statement (pg's client type, named for the hub). */
export type HubClient = pg.ClientBase;

/** One SQL statement with its name: node-postgres prepares a named statement once per connection and reuses it. */
export interface Statement {
  name: string;
  text: string;
}

/** Options of a hub connection. */
export interface HubOptions {
  /** Connections kept open to the hub. @default 4 */
  max?: number;
  /** How long to wait for a connection before reporting the hub unreachable, in ms. @default 5000 */
  connectTimeoutMs?: number;
}

/** PostgreSQL error codes and socket errors that mean "the hub is not reachable now" (a retry later may succeed). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

/** True when `e` says the hub cannot be reached (socket errors, server shutting down or starting, class 08). */
export function isUnreachable(e: unknown): boolean {
  if (e instanceof HubError) return e.code === 'hub-unreachable';
  const code = (e as { code?: string } | null)?.code ?? '';
  if (UNREACHABLE.has(code) || code.startsWith('08')) return true;
  const msg = String((e as Error | null)?.message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error|not queryable/i.test(msg);
}

/** The hub: a pool of PostgreSQL connections and the transactions every hub store function runs in. */
export class Hub {
  readonly pool: pg.Pool;

  constructor(readonly url: string, opts: HubOptions = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: opts.max ?? 4, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000, idleTimeoutMillis: 30_000 });
    // A connection the server dropped (restart, network) is discarded by the pool and the next query reconnects; a
    // client checked out at that moment reports it through its query's rejection, never as an unhandled event.
    this.pool.on('error', () => {});
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  /** Runs one named statement outside a transaction. */
  async run<R extends pg.QueryResultRow = pg.QueryResultRow>(s: Statement, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>({ name: s.name, text: s.text, values })).rows;
    } catch (e) {
      throw this.translate(e);
    }
  }

  /** Runs `fn` in one transaction on one connection (READ COMMITTED; row locks decide who wins). */
  async tx<T>(fn: (c: HubClient) => Promise<T>): Promise<T> {
    return this.within('BEGIN', fn);
  }

  /**
   * Runs `fn` in one read-only REPEATABLE READ transaction on one connection: every read it makes, across awaits (a
   * report's aggregates, then its device walk while the output drains), sees the same state of the hub.
   */
  async snapshot<T>(fn: (c: HubClient) => Promise<T>): Promise<T> {
    return this.within('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  private async within<T>(begin: string, fn: (c: HubClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.translate(e);
    }
    let broken = false;
    try {
      await client.query(begin);
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw this.translate(e);
    } finally {
      client.release(broken);
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  /** A hub error for what the driver threw: unreachable, missing database, or the error itself. */
  translate(e: unknown): unknown {
    if (e instanceof HubError) return e;
    const where = redact(this.url);
    if (isUnreachable(e)) return new HubError('hub-unreachable', `the hub ${where} cannot be reached (${(e as Error).message}); nothing was changed: run the command again when it is back`);
    const code = (e as { code?: string }).code;
    if (code === '3D000') return new HubError('hub-missing', `the hub database in ${where} does not exist: create it (createdb) and run \`gangflash hub init --hub ${where}\``);
    if (code === '28000' || code === '28P01') return new HubError('hub-auth', `the hub ${where} refused the login (${(e as Error).message}): check the user and password in --hub`);
    return e;
  }
}

/** Runs one named statement on `c` (a transaction's client). */
export async function q<R extends pg.QueryResultRow = pg.QueryResultRow>(c: HubClient, s: Statement, values: unknown[] = []): Promise<R[]> {
  return (await c.query<R>({ name: s.name, text: s.text, values })).rows;
}

/** Opens a hub connection pool for `url`. */
export function openHub(url: string, opts?: HubOptions): Hub {
  return new Hub(url, opts);
}

/** Options of a hub listener. */
export interface ListenOptions {
  /** Told true when the LISTEN is in place (again), false when its connection dropped. */
  onState?: (listening: boolean) => void;
  /** First wait before reconnecting a dropped connection, in ms; it doubles up to 5 s. @default 500 */
  retryMs?: number;
}

/**
 * A LISTEN on one channel of the hub over a connection of its own, connected again whenever it drops (the server
 * restarted, the network went, an administrator ended the session). Notifications are hints: whoever listens still
 * reads the truth from the tables.
 */
export class HubListener {
  private client: pg.Client | null = null;
  private readonly dropped = new WeakSet<pg.Client>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private wait: number;
  /** Times the LISTEN was put in place (1 after the first connection; more after reconnects). */
  connections = 0;

  constructor(private readonly url: string, private readonly channel: string, private readonly onNotify: (payload: string) => void, private readonly o: ListenOptions = {}) {
    this.wait = o.retryMs ?? 500;
  }

  /** Connects and listens (in the background; a failure is retried). */
  start(): this {
    void this.connect();
    return this;
  }

  /** The backend process id of the listening connection, or null while it is down. */
  get pid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    c.on('notification', (m) => this.onNotify(m.payload ?? ''));
    c.on('error', () => this.drop(c));
    c.on('end', () => this.drop(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch {
      this.drop(c);
      return;
    }
    if (this.closed) return void c.end().catch(() => {});
    this.client = c;
    this.wait = this.o.retryMs ?? 500;
    this.connections++;
    this.o.onState?.(true);
  }

  private drop(c: pg.Client): void {
    if (this.dropped.has(c)) return;
    this.dropped.add(c);
    const wasUp = this.client === c;
    if (wasUp) this.client = null;
    c.end().catch(() => {});
    if (this.closed) return;
    if (wasUp) this.o.onState?.(false);
    this.timer = setTimeout(() => void this.connect(), this.wait);
    this.timer.unref?.();
    this.wait = Math.min(5000, this.wait * 2);
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    if (c) {
      this.dropped.add(c);
      await c.end().catch(() => {});
    }
  }
}
