import fs from 'node:fs';
import { UsageError } from '../errors.js';
import type { MesConfigRow } from '../store/outbox.js';
import { AmqpSink } from './amqp-sink.js';
import { FileSink } from './file-sink.js';
import { packSize } from './amqp-pack.js';
import type { MesSink } from './sink.js';

/** Environment variables the MES sink reads (credentials are never stored in the database nor printed). */
export const MES_ENV = {
  username: 'GANGFLASH_MES_USERNAME',
  password: 'GANGFLASH_MES_PASSWORD',
  /** A file holding `username:password` on its first line, or JSON {"username", "password"}. */
  credentialsFile: 'GANGFLASH_MES_CREDENTIALS_FILE',
  /** PEM CA certificate for amqps:// brokers. */
  caFile: 'GANGFLASH_MES_CA_FILE',
} as const;

/** The broker credentials from the environment or the file it names; undefined: SASL ANONYMOUS. */
export function mesCredentials(env: NodeJS.ProcessEnv = process.env): { username: string; password: string } | undefined {
  const file = env[MES_ENV.credentialsFile];
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError('mes-credentials', `cannot read the MES credentials file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); set ${MES_ENV.credentialsFile} to a readable file`, { file });
    }
    const t = text.trim();
    if (t.startsWith('{')) {
      const j = JSON.parse(t) as { username?: unknown; password?: unknown };
      if (typeof j.username === 'string' && typeof j.password === 'string') return { username: j.username, password: j.password };
    } else {
      const line = t.split(/\r?\n/)[0];
      const at = line.indexOf(':');
      if (at > 0) return { username: line.slice(0, at), password: line.slice(at + 1) };
    }
    throw new UsageError('mes-credentials', `the MES credentials file ${file} holds neither "username:password" on line 1 nor JSON {"username", "password"}`, { file, line: 1 });
  }
  const username = env[MES_ENV.username];
  return username ? { username, password: env[MES_ENV.password] ?? '' } : undefined;
}

/** Checks a broker URL: amqp:// or amqps://, a host, and no credentials in it (they belong in the environment). */
export function checkBrokerUrl(broker: string): string {
  let u: URL;
  try {
    u = new URL(broker);
  } catch {
    throw new UsageError('mes-broker', `--broker "${broker}" is not a URL; give amqp://HOST:PORT or amqps://HOST:PORT`);
  }
  if (u.protocol !== 'amqp:' && u.protocol !== 'amqps:') throw new UsageError('mes-broker', `--broker must start with amqp:// or amqps:// (got ${u.protocol}//)`);
  if (u.username || u.password) throw new UsageError('mes-broker', `--broker must not carry credentials; set ${MES_ENV.username}/${MES_ENV.password} or ${MES_ENV.credentialsFile} instead`);
  return `${u.protocol}//${u.host}`;
}

/** The sink the stored settings name, with credentials from the environment. */
export function sinkOf(c: MesConfigRow, env: NodeJS.ProcessEnv = process.env): MesSink {
  if (c.sink === 'file') return new FileSink(c.folder ?? '.');
  const creds = mesCredentials(env);
  return new AmqpSink({ broker: c.broker ?? 'amqp://127.0.0.1:5672', address: c.address ?? '/queue/cfx', ...creds, caFile: env[MES_ENV.caFile], pack: packSize(env) });
}
