import { GangflashError } from '../errors.js';

/** Process exit codes; stable, documented in the README for scripts. */
export const EXIT = {
  ok: 0,
  /** Bad usage or bad data: the message says what to do. */
  userError: 1,
  /** A bug: an unexpected internal error. */
  internal: 2,
  /** `run`: stopped because the lot's yield fell below the stop limit. */
  yieldStop: 3,
  /** `run`: interrupted by the operator (Ctrl-C / SIGTERM) after finishing the cycle in flight. */
  interrupted: 4,
  /** The database could not be written (disk full, read-only, lock timeout); nothing was lost. */
  dbWrite: 5,
  /** `run`: the lot or one of its programmers is held by another live run, or this run lost its lease while paused. */
  lotHeld: 6,
  /** gangflash's installation is broken (a native module failed to load): reinstall, the data is untouched. */
  install: 7,
  /** The hub (PostgreSQL) cannot be reached: nothing was changed; run the command again when it is back. */
  hubOffline: 8,
  /** `run --hub`: the station stopped cleanly because it holds no more reels or serial values of the lot. */
  outOfWork: 9,
} as const;

/** Error codes that map to an exit code other than userError. */
const special: Record<string, number> = {
  'db-write-failed': EXIT.dbWrite,
  'lot-held': EXIT.lotHeld,
  'programmer-held': EXIT.lotHeld,
  'lease-lost': EXIT.lotHeld,
  'install-native-module': EXIT.install,
  'hub-unreachable': EXIT.hubOffline,
  'reel-lease-lost': EXIT.lotHeld,
};

/** The exit code for an error thrown out of a command. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof GangflashError) return special[e.code] ?? EXIT.userError;
  return EXIT.internal;
}
