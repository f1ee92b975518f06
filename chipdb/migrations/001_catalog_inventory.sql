-- Catalog: chips, adapter types and what they fit; inventory: programmers, sites, adapters.
CREATE TABLE chips (
  part            TEXT PRIMARY KEY,
  vendor          TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('nand', 'spi-nand', 'emmc', 'spi-nor', 'mcu')),
  package         TEXT NOT NULL,
  body_w_mm       REAL NOT NULL,
  body_l_mm       REAL NOT NULL,
  pitch_mm        REAL NOT NULL,
  capacity_bytes  INTEGER NOT NULL,
  id_bytes        TEXT NOT NULL,            -- hex, JEDEC / ONFI / CID prefix
  geometry        TEXT NOT NULL,            -- JSON, per kind (see src/catalog/chip.ts)
  timings         TEXT NOT NULL,            -- JSON: typical program/erase times, interface speed
  defect_rate     REAL NOT NULL DEFAULT 0,  -- share of defective parts, for the simulator and planning
  source          TEXT NOT NULL,            -- datasheet document name
  catalog_file    TEXT NOT NULL
);

CREATE TABLE programmer_families (
  family          TEXT PRIMARY KEY,
  kinds           TEXT NOT NULL,            -- JSON array of chip kinds the family can drive
  description     TEXT NOT NULL
);

CREATE TABLE programmer_models (
  model           TEXT PRIMARY KEY,
  family          TEXT NOT NULL REFERENCES programmer_families(family),
  driver          TEXT NOT NULL,            -- sim | blockdev | ch341a | nando
  vid             INTEGER,                  -- USB vendor id, when a USB device
  pid             INTEGER,
  sites           INTEGER NOT NULL CHECK (sites BETWEEN 1 AND 64),
  description     TEXT NOT NULL
);

CREATE TABLE adapter_types (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  vendor          TEXT NOT NULL,
  package         TEXT NOT NULL,
  pitch_mm        REAL NOT NULL,
  sites           INTEGER NOT NULL CHECK (sites >= 1),
  rated_insertions INTEGER NOT NULL CHECK (rated_insertions > 0),
  source          TEXT NOT NULL,
  catalog_file    TEXT NOT NULL
);

-- Which packages and body sizes an adapter type takes.
CREATE TABLE adapter_fits (
  adapter_type    TEXT NOT NULL REFERENCES adapter_types(id) ON DELETE CASCADE,
  package         TEXT NOT NULL,
  body_w_mm       REAL NOT NULL,
  body_l_mm       REAL NOT NULL,
  pitch_mm        REAL NOT NULL,
  PRIMARY KEY (adapter_type, package, body_w_mm, body_l_mm, pitch_mm)
);

-- Which programmer families an adapter type plugs into.
CREATE TABLE adapter_families (
  adapter_type    TEXT NOT NULL REFERENCES adapter_types(id) ON DELETE CASCADE,
  family          TEXT NOT NULL REFERENCES programmer_families(family),
  PRIMARY KEY (adapter_type, family)
);

CREATE TABLE programmers (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,     -- operator-facing name, e.g. sim-1
  driver          TEXT NOT NULL,
  model           TEXT NOT NULL REFERENCES programmer_models(model),
  serial          TEXT NOT NULL UNIQUE,
  sites           INTEGER NOT NULL CHECK (sites BETWEEN 1 AND 64),
  options         TEXT NOT NULL DEFAULT '{}', -- JSON driver options
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE sites (
  programmer_id   INTEGER NOT NULL REFERENCES programmers(id) ON DELETE CASCADE,
  site            INTEGER NOT NULL,
  enabled         INTEGER NOT NULL DEFAULT 1,
  disabled_reason TEXT,
  PRIMARY KEY (programmer_id, site)
);

CREATE TABLE adapters (
  id              INTEGER PRIMARY KEY,
  serial          TEXT NOT NULL UNIQUE,
  adapter_type    TEXT NOT NULL REFERENCES adapter_types(id),
  programmer_id   INTEGER REFERENCES programmers(id),
  site            INTEGER,                  -- first site it occupies when mounted
  status          TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'retired')),
  socket_since    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), -- receptacle fitted at
  prior_insertions INTEGER NOT NULL DEFAULT 0, -- insertions on this receptacle before gangflash tracked it
  override_life   INTEGER NOT NULL DEFAULT 0, -- operator allowed use past rated life (recorded in events)
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((programmer_id IS NULL) = (site IS NULL))
);
CREATE UNIQUE INDEX adapters_mounted ON adapters(programmer_id, site) WHERE programmer_id IS NOT NULL;

CREATE TABLE socket_replacements (
  id              INTEGER PRIMARY KEY,
  adapter_id      INTEGER NOT NULL REFERENCES adapters(id),
  at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  insertions_before INTEGER NOT NULL
);
