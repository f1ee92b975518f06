import fs from 'node:fs';

/**
 * A file's identity as the file system sees it: device, inode, size, mtime and ctime in nanoseconds. Any write,
 * truncation, replacement or rename over the path changes it (ctime cannot be set back from user space); '' when the
 * file is gone.
 */
export function fileIdentity(file: string): string {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return '';
  }
}
