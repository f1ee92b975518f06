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

-- Totals kept by the database itself, in the same transaction as the rows they count (triggers), so reads stay
-- proportional to what they return at any database size and can never drift from attempts and devices.
-- Finished attempts (pass or fail) per lot, programmer, site and adapter (adapter_key 0: none).
CREATE TABLE attempt_totals (
  lot_id          TEXT NOT NULL,
  programmer_id   INTEGER NOT NULL,
  site            INTEGER NOT NULL,
  adapter_key     INTEGER NOT NULL,
  finished        INTEGER NOT NULL DEFAULT 0,
  passed          INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (lot_id, programmer_id, site, adapter_key)
);
-- The same over all lots (the farm's and the dashboard's site yields read this: one row per site and adapter).
CREATE TABLE site_totals (
  programmer_id   INTEGER NOT NULL,
  site            INTEGER NOT NULL,
  adapter_key     INTEGER NOT NULL,
  finished        INTEGER NOT NULL DEFAULT 0,
  passed          INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (programmer_id, site, adapter_key)
);
-- Failed attempts, and failed devices by the code and stage of their last attempt, per lot.
CREATE TABLE failure_totals (
  lot_id          TEXT NOT NULL,
  code            TEXT NOT NULL,
  stage           TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  devices         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (lot_id, code, stage)
);
-- Finished devices per lot and reel, and those whose first finished attempt passed.
CREATE TABLE device_totals (
  lot_id          TEXT NOT NULL,
  reel_id         TEXT NOT NULL,
  passed          INTEGER NOT NULL DEFAULT 0,
  failed          INTEGER NOT NULL DEFAULT 0,
  first_passed    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (lot_id, reel_id)
);
-- Insertions (every attempt row) per adapter since its receptacle was fitted.
CREATE TABLE adapter_totals (
  adapter_id      INTEGER PRIMARY KEY,
  since_socket    INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER attempt_totals_finish AFTER UPDATE OF result ON attempts
WHEN OLD.result NOT IN ('pass', 'fail') AND NEW.result IN ('pass', 'fail')
BEGIN
  INSERT INTO attempt_totals (lot_id, programmer_id, site, adapter_key, finished, passed)
    VALUES (NEW.lot_id, NEW.programmer_id, NEW.site, coalesce(NEW.adapter_id, 0), 1, NEW.result = 'pass')
    ON CONFLICT DO UPDATE SET finished = finished + 1, passed = passed + (NEW.result = 'pass');
  INSERT INTO site_totals (programmer_id, site, adapter_key, finished, passed)
    VALUES (NEW.programmer_id, NEW.site, coalesce(NEW.adapter_id, 0), 1, NEW.result = 'pass')
    ON CONFLICT DO UPDATE SET finished = finished + 1, passed = passed + (NEW.result = 'pass');
  INSERT INTO failure_totals (lot_id, code, stage, attempts) SELECT NEW.lot_id, coalesce(NEW.failure_code, '?'), coalesce(NEW.stage, '?'), 1 WHERE NEW.result = 'fail'
    ON CONFLICT DO UPDATE SET attempts = attempts + 1;
END;
-- The same for an attempt written already finished (rows from before schema 5, imports, test fixtures); a run writes
-- 'in-socket' first and finishes the row, which the trigger above counts. SQL triggers cannot share a body.
CREATE TRIGGER attempt_totals_insert AFTER INSERT ON attempts
WHEN NEW.result IN ('pass', 'fail')
BEGIN
  INSERT INTO attempt_totals (lot_id, programmer_id, site, adapter_key, finished, passed)
    VALUES (NEW.lot_id, NEW.programmer_id, NEW.site, coalesce(NEW.adapter_id, 0), 1, NEW.result = 'pass')
    ON CONFLICT DO UPDATE SET finished = finished + 1, passed = passed + (NEW.result = 'pass');
  INSERT INTO site_totals (programmer_id, site, adapter_key, finished, passed)
    VALUES (NEW.programmer_id, NEW.site, coalesce(NEW.adapter_id, 0), 1, NEW.result = 'pass')
    ON CONFLICT DO UPDATE SET finished = finished + 1, passed = passed + (NEW.result = 'pass');
  INSERT INTO failure_totals (lot_id, code, stage, attempts) SELECT NEW.lot_id, coalesce(NEW.failure_code, '?'), coalesce(NEW.stage, '?'), 1 WHERE NEW.result = 'fail'
    ON CONFLICT DO UPDATE SET attempts = attempts + 1;
END;
CREATE TRIGGER adapter_totals_insert AFTER INSERT ON attempts
WHEN NEW.adapter_id IS NOT NULL
BEGIN
  INSERT INTO adapter_totals (adapter_id, since_socket)
    SELECT NEW.adapter_id, 1 FROM adapters a WHERE a.id = NEW.adapter_id AND NEW.started_at >= a.socket_since
    ON CONFLICT DO UPDATE SET since_socket = since_socket + 1;
END;
-- Insertions per adapter per UTC day: the forecast's rate over whole days reads days, not attempts.
CREATE TABLE adapter_days (
  adapter_id      INTEGER NOT NULL,
  day             TEXT NOT NULL,            -- YYYY-MM-DD (UTC) of the insertion's start
  n               INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (adapter_id, day)
);
CREATE TRIGGER adapter_days_insert AFTER INSERT ON attempts
WHEN NEW.adapter_id IS NOT NULL
BEGIN
  INSERT INTO adapter_days (adapter_id, day, n) VALUES (NEW.adapter_id, substr(NEW.started_at, 1, 10), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER adapter_totals_socket AFTER UPDATE OF socket_since ON adapters
BEGIN
  INSERT INTO adapter_totals (adapter_id, since_socket)
    VALUES (NEW.id, (SELECT count(*) FROM attempts x WHERE x.adapter_id = NEW.id AND x.started_at >= NEW.socket_since))
    ON CONFLICT DO UPDATE SET since_socket = excluded.since_socket;
END;
CREATE TRIGGER device_totals_insert AFTER INSERT ON devices
BEGIN
  INSERT INTO device_totals (lot_id, reel_id, passed, failed, first_passed)
    VALUES (NEW.lot_id, NEW.reel_id, NEW.result = 'pass', NEW.result = 'fail',
      coalesce((SELECT a.result = 'pass' FROM attempts a WHERE a.lot_id = NEW.lot_id AND a.reel_id = NEW.reel_id AND a.seq = NEW.seq
                  AND a.result IN ('pass', 'fail') ORDER BY a.attempt LIMIT 1), 0))
    ON CONFLICT DO UPDATE SET passed = passed + excluded.passed, failed = failed + excluded.failed, first_passed = first_passed + excluded.first_passed;
  INSERT INTO failure_totals (lot_id, code, stage, devices)
    SELECT NEW.lot_id, coalesce(a.failure_code, '?'), coalesce(a.stage, '?'), 1 FROM attempts a
     WHERE NEW.result = 'fail' AND a.lot_id = NEW.lot_id AND a.reel_id = NEW.reel_id AND a.seq = NEW.seq AND a.result = 'fail'
     ORDER BY a.attempt DESC LIMIT 1
    ON CONFLICT DO UPDATE SET devices = devices + 1;
END;

-- The totals of a database made before schema 6.
INSERT INTO attempt_totals (lot_id, programmer_id, site, adapter_key, finished, passed)
  SELECT lot_id, programmer_id, site, coalesce(adapter_id, 0), count(*), sum(result = 'pass') FROM attempts WHERE result IN ('pass', 'fail')
  GROUP BY lot_id, programmer_id, site, coalesce(adapter_id, 0);
INSERT INTO site_totals (programmer_id, site, adapter_key, finished, passed)
  SELECT programmer_id, site, coalesce(adapter_id, 0), count(*), sum(result = 'pass') FROM attempts WHERE result IN ('pass', 'fail')
  GROUP BY programmer_id, site, coalesce(adapter_id, 0);
INSERT INTO failure_totals (lot_id, code, stage, attempts)
  SELECT lot_id, coalesce(failure_code, '?'), coalesce(stage, '?'), count(*) FROM attempts WHERE result = 'fail' GROUP BY 1, 2, 3;
INSERT INTO device_totals (lot_id, reel_id, passed, failed, first_passed)
  SELECT d.lot_id, d.reel_id, sum(d.result = 'pass'), sum(d.result = 'fail'),
    sum(coalesce((SELECT a.result = 'pass' FROM attempts a WHERE a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq
                  AND a.result IN ('pass', 'fail') ORDER BY a.attempt LIMIT 1), 0))
  FROM devices d GROUP BY d.lot_id, d.reel_id;
INSERT INTO failure_totals (lot_id, code, stage, devices)
  SELECT d.lot_id, coalesce(a.failure_code, '?'), coalesce(a.stage, '?'), count(*) FROM devices d
    JOIN attempts a ON a.lot_id = d.lot_id AND a.reel_id = d.reel_id AND a.seq = d.seq
     AND a.attempt = (SELECT max(b.attempt) FROM attempts b WHERE b.lot_id = d.lot_id AND b.reel_id = d.reel_id AND b.seq = d.seq AND b.result = 'fail')
   WHERE d.result = 'fail' GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET devices = devices + excluded.devices;
INSERT INTO adapter_totals (adapter_id, since_socket)
  SELECT a.id, (SELECT count(*) FROM attempts x WHERE x.adapter_id = a.id AND x.started_at >= a.socket_since) FROM adapters a;
INSERT INTO adapter_days (adapter_id, day, n)
  SELECT adapter_id, substr(started_at, 1, 10), count(*) FROM attempts WHERE adapter_id IS NOT NULL GROUP BY 1, 2;
