import type { Command } from 'commander';
import { openHub, type Hub } from '../hub/connection.js';
import { checkHubSchema } from '../hub/migrations.js';
import { resolveHubUrl } from '../hub/url.js';

/** The --hub option of a command (a connection string, or `true` when given without one: GANGFLASH_HUB). */
export function hubFlag(cmd: Command): string | undefined {
  const v = (cmd.optsWithGlobals() as { hub?: string | boolean }).hub;
  return typeof v === 'string' ? v : undefined;
}

/** Opens the hub named by --hub / GANGFLASH_HUB, checks its schema, runs `fn`, and closes it. */
export async function withHub<T>(cmd: Command, fn: (hub: Hub) => Promise<T>, opts: { checkSchema?: boolean } = {}): Promise<T> {
  const hub = openHub(resolveHubUrl(hubFlag(cmd)));
  try {
    if (opts.checkSchema ?? true) await checkHubSchema(hub);
    return await fn(hub);
  } finally {
    await hub.close();
  }
}
