-- Image files whose expanded content was read in full and matched a job's pinned SHA-256, with the file's identity
-- (device:inode:size:mtime_ns:ctime_ns) at that moment. A run whose image still has that identity does not read it
-- again before the first device; any write to the file changes its ctime and so its identity.
CREATE TABLE image_checks (
  path            TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  fill            INTEGER NOT NULL,          -- fill byte of gaps (Intel HEX / S-record), part of the expanded content
  identity        TEXT NOT NULL,
  checked_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (path, sha256, fill)
);
