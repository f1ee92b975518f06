import type { Writable } from 'node:stream';

/** Resolves when `out` drains; rejects when it fails or closes first. */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error) => {
      out.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (e: Error) => done(e);
    const onClose = () => done(Object.assign(new Error('the output closed before the report was written'), { code: 'EPIPE' }));
    out.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}

/**
 * Writes `chunks` to `out` as they are produced (by a station's synchronous walk or the hub's cursor), waiting for
 * 'drain' whenever `out` says its buffer is full, so at most one chunk beyond the stream's buffer is ever held. Does
 * not end `out`.
 */
export async function writeChunks(out: Writable, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
  let failed: Error | undefined;
  const onError = (e: Error) => void (failed ??= e);
  out.on('error', onError);
  try {
    for await (const chunk of chunks) {
      if (failed) throw failed;
      if (!out.write(chunk)) await drained(out);
    }
    if (failed) throw failed;
  } finally {
    out.off('error', onError);
  }
}
