import { UsageError } from '../errors.js';

/** The hub's connection string: --hub, else GANGFLASH_HUB; a usage error naming both when neither is set. */
export function resolveHubUrl(flag?: string): string {
  const url = flag ?? process.env.GANGFLASH_HUB;
  if (!url) throw new UsageError('no-hub', 'no hub given: pass --hub postgres://USER@HOST/DATABASE or set GANGFLASH_HUB');
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('bad-hub-url', `--hub ${redact(url)} is not a PostgreSQL connection string (postgres://USER@HOST[:PORT]/DATABASE)`);
  return url;
}

/** The connection string without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
