/**
 * Holding a data extent's bytes past the next extent. By default (`DataExtent`) a view is valid only until the next
 * extent is requested. A source that can do better (the fan-out's chunk ring) adds `hold()` to its data extents:
 * the view then stays valid until the returned release function is called, so a driver can keep several chunks in
 * flight (e.g. writes to many files) without copying a byte. Holds must be released in the order they were taken.
 */
import type { DataExtent, Extent } from './extent.js';

/** A data extent whose bytes a consumer may keep: `hold()` returns the release function, or undefined when it may not hold more now. */
export interface HoldableExtent extends DataExtent {
  hold?: () => (() => void) | undefined;
}

/** Keeps `e`'s bytes valid past the next extent; returns the release function, or undefined when the source cannot hold it. */
export function holdExtent(e: Extent): (() => void) | undefined {
  return (e as HoldableExtent).hold?.();
}
