import type { Extent } from './extent.js';
import type { ChunkInput } from './input.js';

/** Reads a raw binary image: every input chunk becomes one data extent viewing the read buffer (no copy). */
export async function* readRaw(input: ChunkInput): AsyncGenerator<Extent> {
  let out = 0;
  for (let c = await input.next(); c !== null; c = await input.next()) {
    yield { offset: out, length: c.length, bytes: c };
    out += c.length;
  }
}
