-- Ownership of hardware (issue 14): a run leases the programmers it drives, not only its lot. A holder is named by
-- host, pid, process start (clock ticks after boot, /proc/<pid>/stat field 22) and boot id, so another process can
-- prove it gone. Every insertion is an attempts row written when the device enters the socket ('in-socket') and
-- finished when its result is known; the database refuses an attempt written under a stale lease epoch (fencing).

-- One row per programmer that was ever leased; the row stays after release so its epoch only ever grows.
CREATE TABLE IF NOT EXISTS programmer_leases (
  programmer_id   INTEGER PRIMARY KEY REFERENCES programmers(id),
  epoch           INTEGER NOT NULL,         -- +1 on every acquisition (and so on every takeover)
  holder          TEXT,                     -- unique id of the run holding it; NULL when released
  lot_id          TEXT,                     -- the lot the holder runs
  host            TEXT,
  pid             INTEGER,
  started         INTEGER,                  -- process start, clock ticks after boot (NULL where /proc is missing)
  boot_id         TEXT,                     -- /proc/sys/kernel/random/boot_id of the holder's host
  acquired_at     TEXT,
  heartbeat_at    INTEGER                   -- ms since epoch
);

-- The lot lease names its holder the same way.
ALTER TABLE lot_leases ADD COLUMN started INTEGER;
ALTER TABLE lot_leases ADD COLUMN boot_id TEXT;

-- attempts: 'in-socket' (device in the socket, result unknown), 'interrupted' (the run ended before its result was
-- known: an insertion, never yield), and the programmer lease epoch it was written under.
CREATE TABLE attempts_v5 (
  id              INTEGER PRIMARY KEY,
  lot_id          TEXT NOT NULL REFERENCES lots(id),
  reel_id         TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  attempt         INTEGER NOT NULL,         -- insertion number of the device, from 1
  programmer_id   INTEGER NOT NULL REFERENCES programmers(id),
  site            INTEGER NOT NULL,
  adapter_id      INTEGER REFERENCES adapters(id),
  started_at      TEXT NOT NULL,
  ended_at        TEXT,                     -- NULL while in-socket
  result          TEXT NOT NULL CHECK (result IN ('in-socket', 'pass', 'fail', 'interrupted')),
  failure_code    TEXT,
  stage           TEXT,
  bad_blocks      INTEGER NOT NULL DEFAULT 0,
  serial          TEXT,                     -- serial number used by this attempt
  lease_epoch     INTEGER,                  -- programmer lease epoch it was written under (NULL: before schema 5)
  UNIQUE (lot_id, reel_id, seq, attempt),
  CHECK ((result = 'in-socket') = (ended_at IS NULL))
);
INSERT INTO attempts_v5 (id, lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, failure_code, stage, bad_blocks, serial)
  SELECT id, lot_id, reel_id, seq, attempt, programmer_id, site, adapter_id, started_at, ended_at, result, failure_code, stage, bad_blocks, serial FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_v5 RENAME TO attempts;
CREATE INDEX attempts_adapter ON attempts(adapter_id, started_at);
CREATE INDEX attempts_site ON attempts(programmer_id, site, id);
-- A socket holds one device at a time, and a device is in one socket at a time.
CREATE UNIQUE INDEX attempts_socket_open ON attempts(programmer_id, site) WHERE result = 'in-socket';
CREATE UNIQUE INDEX attempts_device_open ON attempts(lot_id, reel_id, seq) WHERE result = 'in-socket';

-- Fencing: an attempt is written only under the programmer's live lease epoch.
CREATE TRIGGER attempts_fence_insert BEFORE INSERT ON attempts
WHEN NOT EXISTS (SELECT 1 FROM programmer_leases l WHERE l.programmer_id = NEW.programmer_id AND l.epoch = NEW.lease_epoch AND l.holder IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'lease-lost: the programmer lease this attempt was written under is no longer held');
END;
-- A finished attempt never changes; an open one is finished only under the epoch it was opened with, if still live;
-- closing one as 'interrupted' (recovery after a crash, by the run that now holds the lot) needs no epoch.
CREATE TRIGGER attempts_fence_update BEFORE UPDATE ON attempts
WHEN OLD.result <> 'in-socket'
  OR (NEW.result <> 'interrupted' AND (NEW.lease_epoch IS NOT OLD.lease_epoch OR NOT EXISTS
      (SELECT 1 FROM programmer_leases l WHERE l.programmer_id = OLD.programmer_id AND l.epoch = OLD.lease_epoch AND l.holder IS NOT NULL)))
BEGIN
  SELECT RAISE(ABORT, 'lease-lost: the attempt is finished already or its programmer lease is no longer held');
END;

-- A lot that was done and gets more devices (a reel added, a quantity raised) is open again.
CREATE TRIGGER IF NOT EXISTS reels_reopen_insert AFTER INSERT ON reels
WHEN (SELECT status FROM lots WHERE id = NEW.lot_id) = 'done'
BEGIN
  UPDATE lots SET status = 'open' WHERE id = NEW.lot_id;
END;
CREATE TRIGGER IF NOT EXISTS reels_reopen_update AFTER UPDATE OF quantity ON reels
WHEN NEW.quantity > OLD.quantity AND (SELECT status FROM lots WHERE id = NEW.lot_id) = 'done'
BEGIN
  UPDATE lots SET status = 'open' WHERE id = NEW.lot_id;
END;
