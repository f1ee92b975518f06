-- Production: images, jobs, lots, reels, devices, attempts, events.
CREATE TABLE images (
  sha256          TEXT PRIMARY KEY,
  path            TEXT NOT NULL,
  format          TEXT NOT NULL,
  size            INTEGER NOT NULL,         -- expanded size in bytes
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE jobs (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL,
  version         INTEGER NOT NULL,
  chip            TEXT NOT NULL REFERENCES chips(part),
  image_sha256    TEXT NOT NULL REFERENCES images(sha256),
  spec            TEXT NOT NULL,            -- JSON: ops, layout, eMMC partitions, serial (see src/jobs)
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (name, version)
);

CREATE TABLE lots (
  id              TEXT PRIMARY KEY,
  job_id          INTEGER NOT NULL REFERENCES jobs(id),
  chip            TEXT NOT NULL REFERENCES chips(part),
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'running', 'done', 'stopped')),
  next_serial     INTEGER,                  -- next serial number to allocate (NULL: job writes none)
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE reels (
  lot_id          TEXT NOT NULL REFERENCES lots(id),
  reel_id         TEXT NOT NULL,
  part            TEXT NOT NULL REFERENCES chips(part),
  quantity        INTEGER NOT NULL CHECK (quantity > 0),
  date_code       TEXT NOT NULL,
  PRIMARY KEY (lot_id, reel_id)
);

CREATE TABLE imports (
  digest          TEXT PRIMARY KEY,         -- SHA-256 of the imported file's content
  file            TEXT NOT NULL,
  rows            INTEGER NOT NULL,
  at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE devices (
  id              INTEGER PRIMARY KEY,
  lot_id          TEXT NOT NULL REFERENCES lots(id),
  reel_id         TEXT NOT NULL,
  seq             INTEGER NOT NULL,         -- position in its reel, from 1
  result          TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
  failure_code    TEXT,
  serial          TEXT,                     -- serial number written
  finished_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (lot_id, reel_id, seq),
  CHECK ((result = 'fail') = (failure_code IS NOT NULL))
);
CREATE UNIQUE INDEX devices_serial ON devices(lot_id, serial) WHERE serial IS NOT NULL;

CREATE TABLE attempts (
  id              INTEGER PRIMARY KEY,
  lot_id          TEXT NOT NULL REFERENCES lots(id),
  reel_id         TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  attempt         INTEGER NOT NULL,         -- 1 for the first insertion of the device
  programmer_id   INTEGER NOT NULL REFERENCES programmers(id),
  site            INTEGER NOT NULL,
  adapter_id      INTEGER REFERENCES adapters(id),
  started_at      TEXT NOT NULL,
  ended_at        TEXT NOT NULL,
  result          TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
  failure_code    TEXT,
  stage           TEXT,
  bad_blocks      INTEGER NOT NULL DEFAULT 0,
  serial          TEXT,                     -- serial number used by this attempt
  UNIQUE (lot_id, reel_id, seq, attempt)
);
CREATE INDEX attempts_adapter ON attempts(adapter_id, started_at);
CREATE INDEX attempts_site ON attempts(programmer_id, site, id);

CREATE TABLE events (
  id              INTEGER PRIMARY KEY,
  at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  lot_id          TEXT,
  kind            TEXT NOT NULL,            -- alarm | audit
  code            TEXT NOT NULL,            -- e.g. site-disabled, adapter-life, override
  programmer_id   INTEGER,
  site            INTEGER,
  adapter_id      INTEGER,
  message         TEXT NOT NULL
);
