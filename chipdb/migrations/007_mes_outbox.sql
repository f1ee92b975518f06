-- MES: the station's IPC-CFX messages. Every event an MES cares about is written here in the same transaction as the
-- record it describes; a publisher sends them in id order and counts them sent only when the broker settled them
-- (or the file sink synced them). docs/mes.md.
CREATE TABLE mes_outbox (
  id              INTEGER PRIMARY KEY,      -- publish order
  unique_id       TEXT NOT NULL,            -- the envelope's UniqueID (a random GUID): the same on every resend
  message_name    TEXT NOT NULL,            -- e.g. CFX.Production.Processing.UnitsProcessed
  time_stamp      TEXT NOT NULL,            -- when the event happened (the envelope's TimeStamp)
  lot_id          TEXT,
  body            TEXT NOT NULL             -- the MessageBody as JSON
);

-- How far the outbox is sent: messages go out in id order and the sink accepts a prefix of each batch, so every
-- message with id <= sent_through is sent and every later one is pending. One row; one UPDATE per batch sent
-- (not one per message: the publisher shares the recording thread).
CREATE TABLE mes_publish_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  sent_through    INTEGER NOT NULL DEFAULT 0,
  sent_at         TEXT,                     -- when the last batch was accepted
  failures        INTEGER NOT NULL DEFAULT 0, -- failed sends in a row
  last_error      TEXT                      -- why the last send failed (NULL after a success)
);
INSERT INTO mes_publish_state (id) VALUES (1);

-- The station's MES settings (one row): where messages go and under which CFX handle. Credentials are never stored
-- here: they come from the environment or a file named by it.
CREATE TABLE mes_config (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  sink            TEXT NOT NULL CHECK (sink IN ('amqp', 'file')),
  broker          TEXT,                     -- amqp://host:port or amqps://host:port, without credentials
  address         TEXT,                     -- AMQP target address, e.g. /exchange/cfx/Acme.Line3 or /queue/cfx
  folder          TEXT,                     -- the file sink's folder
  handle          TEXT NOT NULL,            -- this station's CFX handle, e.g. Acme.Line3.Prog-07
  target          TEXT,                     -- the envelopes' Target (NULL: broadcast)
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
