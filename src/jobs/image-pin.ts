import fs from 'node:fs';
import path from 'node:path';
import type { ImageFormat } from '../images/extent.js';
import { assertImageUnchanged, inspectImage } from '../images/inspect.js';
import { JobError } from '../errors.js';

/** An image a job pins: where it was, what it is and the SHA-256 of its expanded content. */
export interface ImagePin {
  /** Absolute path at job creation. */
  path: string;
  /** SHA-256 of the expanded content (HEX/S-record gaps read as the job's fill value). */
  sha256: string;
  format: ImageFormat;
  /** The file was gzip-compressed. */
  gzip: boolean;
  /** Expanded size in bytes. */
  size: number;
}

/** Refuses a path that is not a readable file, naming it. */
function checkFile(file: string): string {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
    fs.accessSync(abs, fs.constants.R_OK);
  } catch {
    throw new JobError('image-missing', `image ${file} does not exist or cannot be read; check the path`, { file });
  }
  if (!st.isFile()) throw new JobError('image-missing', `image ${file} is not a file`, { file });
  return abs;
}

/** Reads an image once (format detected, gaps filled with `fill`, expansion stopped past `maxBytes`) and returns its pin; errors name the file. */
export async function pinImage(file: string, fill = 0xff, maxBytes?: number): Promise<ImagePin> {
  const abs = checkFile(file);
  const info = await inspectImage(abs, { fill, maxBytes });
  return { path: abs, sha256: info.sha256, format: info.format, gzip: info.gzip, size: info.size };
}

/** Refuses (`image-changed`) an image file whose expanded content no longer has the pinned SHA-256. */
export async function checkPinnedImage(pin: ImagePin, fill = 0xff): Promise<void> {
  checkFile(pin.path);
  await assertImageUnchanged(pin.path, pin.sha256, { fill, maxBytes: pin.size });
}
