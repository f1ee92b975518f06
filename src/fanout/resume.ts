/** Reading an image from a byte offset on: what a consumer detached from the ring uses to finish on its own. */
import { isData, type Extent } from '../images/extent.js';

/** The part of an ordered extent stream at or after byte `offset` (the straddling extent is trimmed, not copied). */
export async function* extentsFrom(extents: AsyncIterable<Extent>, offset: number): AsyncGenerator<Extent> {
  for await (const e of extents) {
    const end = e.offset + e.length;
    if (end <= offset) continue;
    if (e.offset >= offset) {
      yield e;
      continue;
    }
    const cut = offset - e.offset;
    if (isData(e)) yield { offset, length: end - offset, bytes: e.bytes.subarray(cut) };
    else yield { ...e, offset, length: end - offset };
  }
}
