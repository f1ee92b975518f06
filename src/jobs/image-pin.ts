import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ImageFormat } from '../images/extent.js';
import { JobError } from '../errors.js';

/** An image a job pins: where it was, what it is and the SHA-256 of its expanded content. */
export interface ImagePin {
  /** Absolute path at job creation. */
  path: string;
  sha256: string;
  format: ImageFormat;
  /** The file was gzip-compressed. */
  gzip: boolean;
  /** Expanded size in bytes. */
  size: number;
}

/** Reads an image once and returns its pin (format, expanded size, SHA-256); a JobError when the file is missing. */
export async function pinImage(file: string): Promise<ImagePin> {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new JobError('image-missing', `image ${file} does not exist or cannot be read; check the path`, { file });
  }
  if (!st.isFile()) throw new JobError('image-missing', `image ${file} is not a file`, { file });
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(abs, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { path: abs, sha256: hash.digest('hex'), format: 'raw', gzip: false, size };
}

/** Refuses (JobError `image-changed`) an image file whose content no longer has the pinned SHA-256. */
export async function checkPinnedImage(pin: ImagePin): Promise<void> {
  const now = await pinImage(pin.path);
  if (now.sha256 !== pin.sha256) {
    throw new JobError(
      'image-changed',
      `image ${pin.path} changed since the job pinned it (SHA-256 ${pin.sha256.slice(0, 16)}… now ${now.sha256.slice(0, 16)}…); restore the file or create a new job version`,
      { file: pin.path },
    );
  }
}
