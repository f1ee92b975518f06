-- A station's link to a hub (issue 20): the journal's identity on the hub, the reels and serial blocks the hub leased
-- to this station, and the records waiting to be uploaded. Nothing here is used by a station without a hub.
CREATE TABLE hub_link (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  journal_id      TEXT NOT NULL,            -- random id of this journal; the hub binds a station name to it
  station         TEXT,                     -- this station's name on the hub
  hub             TEXT                      -- the hub's connection string, without its password
);

-- Lots this station runs through a hub: only the reels the hub leased to it are programmed here.
CREATE TABLE hub_lots (
  lot_id          TEXT PRIMARY KEY REFERENCES lots(id)
);

-- Reels the hub leased to this station: the epoch every record of the reel is uploaded under, and the first seq
-- this station programs on it. 'lost': moved to another station (fenced); 'done': every device of it recorded here.
CREATE TABLE hub_reels (
  lot_id          TEXT NOT NULL,
  reel_id         TEXT NOT NULL,
  epoch           INTEGER NOT NULL,
  start_seq       INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('held', 'done', 'lost')),
  reported        INTEGER NOT NULL DEFAULT 0 CHECK (reported IN (0, 1)), -- the hub knows it is done
  PRIMARY KEY (lot_id, reel_id)
);

-- Serial blocks the hub leased to this station: fresh values of the rule come only from these index ranges.
CREATE TABLE hub_serial_blocks (
  rule_id         INTEGER NOT NULL REFERENCES serial_rules(id),
  first_k         INTEGER NOT NULL,
  end_k           INTEGER NOT NULL CHECK (end_k > first_k),
  PRIMARY KEY (rule_id, first_k)
);

-- Records waiting for upload, queued in the transaction that records them (triggers below), with the reel's lease
-- epoch at that moment; a row leaves only once the hub acknowledged its batch.
CREATE TABLE hub_outbox (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('attempt', 'device', 'serial')),
  ref             INTEGER NOT NULL,         -- attempts.id, devices.id, or serial_ledger.k
  rule_id         INTEGER,                  -- serial values only
  epoch           INTEGER                   -- reel lease epoch (attempts and devices)
);
CREATE INDEX hub_outbox_kind ON hub_outbox(kind, id);

CREATE TRIGGER hub_outbox_attempt_finish AFTER UPDATE OF result ON attempts
WHEN OLD.result = 'in-socket' AND NEW.result <> 'in-socket'
  AND EXISTS (SELECT 1 FROM hub_reels h WHERE h.lot_id = NEW.lot_id AND h.reel_id = NEW.reel_id)
BEGIN
  INSERT INTO hub_outbox (kind, ref, epoch) VALUES ('attempt', NEW.id, (SELECT epoch FROM hub_reels h WHERE h.lot_id = NEW.lot_id AND h.reel_id = NEW.reel_id));
END;
CREATE TRIGGER hub_outbox_attempt_insert AFTER INSERT ON attempts
WHEN NEW.result <> 'in-socket'
  AND EXISTS (SELECT 1 FROM hub_reels h WHERE h.lot_id = NEW.lot_id AND h.reel_id = NEW.reel_id)
BEGIN
  INSERT INTO hub_outbox (kind, ref, epoch) VALUES ('attempt', NEW.id, (SELECT epoch FROM hub_reels h WHERE h.lot_id = NEW.lot_id AND h.reel_id = NEW.reel_id));
END;
CREATE TRIGGER hub_outbox_device AFTER INSERT ON devices
WHEN EXISTS (SELECT 1 FROM hub_reels h WHERE h.lot_id = NEW.lot_id AND h.reel_id = NEW.reel_id)
BEGIN
  INSERT INTO hub_outbox (kind, ref, epoch) VALUES ('device', NEW.id, (SELECT epoch FROM hub_reels h WHERE h.lot_id = NEW.lot_id AND h.reel_id = NEW.reel_id));
END;
CREATE TRIGGER hub_outbox_serial AFTER UPDATE OF state ON serial_ledger
WHEN NEW.state IN ('committed', 'voided') AND OLD.state NOT IN ('committed', 'voided')
  AND EXISTS (SELECT 1 FROM hub_serial_blocks b WHERE b.rule_id = NEW.rule_id AND NEW.k >= b.first_k AND NEW.k < b.end_k)
BEGIN
  INSERT INTO hub_outbox (kind, ref, rule_id) VALUES ('serial', NEW.k, NEW.rule_id);
END;
