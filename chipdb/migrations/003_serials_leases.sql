-- Serial numbers allocated per device in the transaction that starts its cycle; one owner per lot.
CREATE TABLE serials (
  lot_id          TEXT NOT NULL REFERENCES lots(id),
  serial          TEXT NOT NULL,
  n               INTEGER NOT NULL,         -- numeric value of the serial
  reel_id         TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('reserved', 'used', 'void')),
  reason          TEXT,                     -- why a number was voided
  at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (lot_id, serial)
);
CREATE UNIQUE INDEX serials_device ON serials(lot_id, reel_id, seq) WHERE state <> 'void';

CREATE TABLE lot_leases (
  lot_id          TEXT PRIMARY KEY REFERENCES lots(id),
  holder          TEXT NOT NULL,            -- unique id of the run holding the lot
  host            TEXT NOT NULL,
  pid             INTEGER NOT NULL,
  acquired_at     TEXT NOT NULL,
  heartbeat_at    INTEGER NOT NULL          -- ms since epoch
);
