-- Serial rules and their ledger: one row per value ever issued under a rule, so no value reaches two chips.
CREATE TABLE serial_rules (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  spec            TEXT NOT NULL,            -- JSON rule (src/serials/spec.ts); never changed once a value is issued
  pins            TEXT NOT NULL DEFAULT '{}', -- JSON {file: sha256} of list files the rule reads
  next_k          INTEGER NOT NULL DEFAULT 0, -- index of the next fresh value
  cursor          TEXT,                     -- generator rules: the serial number to pass next (the last T02)
  created_by      TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE serial_ledger (
  rule_id         INTEGER NOT NULL REFERENCES serial_rules(id),
  k               INTEGER NOT NULL,         -- issue order under the rule, from 0
  value           TEXT NOT NULL,            -- the rule's first field as text: what must never repeat
  data            TEXT NOT NULL,            -- JSON [{name, text, writes: [{offset, hex}]}]: every byte it writes
  state           TEXT NOT NULL CHECK (state IN ('allocated', 'written', 'committed', 'voided', 'returned')),
  lot_id          TEXT,
  reel_id         TEXT,
  seq             INTEGER,
  attempt         INTEGER,                  -- the device's attempt that last held the value
  reason          TEXT,                     -- why a value was voided or returned
  at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (rule_id, k)
);
CREATE UNIQUE INDEX serial_ledger_value ON serial_ledger(rule_id, value);
CREATE UNIQUE INDEX serial_ledger_holder ON serial_ledger(rule_id, lot_id, reel_id, seq) WHERE state IN ('allocated', 'written', 'committed');
CREATE INDEX serial_ledger_returned ON serial_ledger(rule_id, k) WHERE state = 'returned';
CREATE INDEX serial_ledger_device ON serial_ledger(lot_id, reel_id, seq);

-- States only move forward: allocated -> written -> committed | voided; allocated -> returned -> allocated (reissue
-- before any byte was programmed). A committed or voided value never changes again, and no value changes its text.
CREATE TRIGGER serial_ledger_forward BEFORE UPDATE ON serial_ledger
WHEN NEW.value <> OLD.value OR NEW.rule_id <> OLD.rule_id OR NEW.k <> OLD.k OR NOT (
  NEW.state = OLD.state AND OLD.state NOT IN ('committed', 'voided')
  OR OLD.state = 'allocated' AND NEW.state IN ('written', 'committed', 'voided', 'returned')
  OR OLD.state = 'written' AND NEW.state IN ('committed', 'voided')
  OR OLD.state = 'returned' AND NEW.state = 'allocated')
BEGIN
  SELECT RAISE(ABORT, 'serial ledger: a value may only move forward (allocated, written, committed or voided)');
END;
CREATE TRIGGER serial_ledger_keep BEFORE DELETE ON serial_ledger
BEGIN
  SELECT RAISE(ABORT, 'serial ledger: values are never deleted');
END;

-- The rule each job version draws its values from.
CREATE TABLE job_serial_rules (
  job_id          INTEGER PRIMARY KEY REFERENCES jobs(id),
  rule_id         INTEGER NOT NULL REFERENCES serial_rules(id)
);

-- Who released a job version for production (`gangflash job release`); a run refuses a version that is not
-- released unless it is started with --engineering (recorded with the run).
CREATE TABLE job_releases (
  job_id          INTEGER PRIMARY KEY REFERENCES jobs(id),
  released_by     TEXT NOT NULL,
  note            TEXT,
  released_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
-- Job versions made before releases were recorded were already run as production jobs: they count as released.
INSERT INTO job_releases (job_id, released_by, note) SELECT id, 'gangflash migration', 'made before job releases were recorded' FROM jobs;

-- Who did what an audit event records (a life override, a site enabled again).
ALTER TABLE events ADD COLUMN actor TEXT;

-- One row per `run` of a lot: who ran it, whether it was an engineering run, and which gangflash did.
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  lot_id          TEXT NOT NULL REFERENCES lots(id),
  job_id          INTEGER NOT NULL REFERENCES jobs(id),
  operator        TEXT NOT NULL,
  engineering     INTEGER NOT NULL DEFAULT 0 CHECK (engineering IN (0, 1)),
  host            TEXT NOT NULL,
  pid             INTEGER NOT NULL,
  gangflash_version TEXT NOT NULL,
  node_version    TEXT NOT NULL,
  started_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ended_at        TEXT,
  end_reason      TEXT
);
CREATE INDEX runs_lot ON runs(lot_id, started_at);

-- The run each insertion belongs to (NULL for insertions recorded before schema 6).
ALTER TABLE attempts ADD COLUMN run_id INTEGER REFERENCES runs(id);
