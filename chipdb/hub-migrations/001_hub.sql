-- The hub (PostgreSQL): what several stations share. Each station keeps its own SQLite journal and uploads to these
-- tables; the hub hands out reels and serial blocks, never single devices (DESIGN.md, "Storage: one store, two
-- engines"). Times are the hub's clock (timestamptz) except the attempts' own start and end, which are the station's.
CREATE EXTENSION IF NOT EXISTS btree_gist;  -- equality on rule_id inside the serial blocks' exclusion constraint

-- Catalog snapshot: the reviewed catalog files as loaded by a station (`hub init` from a station's catalog).
CREATE TABLE chips (
  part            text PRIMARY KEY,
  doc             jsonb NOT NULL,           -- the chip's catalog row
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE adapter_types (
  id              text PRIMARY KEY,
  doc             jsonb NOT NULL,           -- the adapter type's catalog row, with its fits and families
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Stations: a name bound to one journal (a second journal claiming the name is refused).
CREATE TABLE stations (
  name            text PRIMARY KEY,
  journal_id      text NOT NULL,            -- random id kept in the station's journal
  host            text NOT NULL,
  pid             integer NOT NULL,
  registered_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at    timestamptz NOT NULL DEFAULT now()
);

-- The programmers of each station (a programmer belongs to one station at a time).
CREATE TABLE programmers (
  serial          text PRIMARY KEY,
  station         text NOT NULL REFERENCES stations(name),
  name            text NOT NULL,
  driver          text NOT NULL,
  model           text NOT NULL,
  sites           integer NOT NULL CHECK (sites BETWEEN 1 AND 64),
  seen_at         timestamptz NOT NULL DEFAULT now()
);

-- Adapter inventory: where each adapter is now, and every place it has been.
CREATE TABLE adapters (
  serial          text PRIMARY KEY,
  adapter_type    text NOT NULL,
  station         text REFERENCES stations(name),
  programmer      text,                     -- serial of the programmer it is mounted on (NULL: on a shelf)
  site            integer,
  status          text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'retired')),
  insertions      bigint NOT NULL DEFAULT 0, -- attempts uploaded with this adapter
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE adapter_history (
  id              bigserial PRIMARY KEY,
  serial          text NOT NULL REFERENCES adapters(serial),
  at              timestamptz NOT NULL DEFAULT now(),
  station         text,
  programmer      text,
  site            integer,
  status          text NOT NULL
);
CREATE INDEX adapter_history_serial ON adapter_history(serial, id);

-- Released jobs: the manifest and the image it pins by SHA-256 (stations refuse an image they lack with that hash).
CREATE TABLE images (
  sha256          text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  format          text NOT NULL,
  size            bigint NOT NULL
);
CREATE TABLE jobs (
  id              bigserial PRIMARY KEY,
  name            text NOT NULL,
  version         integer NOT NULL,
  chip            text NOT NULL,
  image_sha256    text NOT NULL REFERENCES images(sha256),
  manifest        jsonb NOT NULL,           -- the job's spec (ops, layout, serial rule name)
  released_by     text NOT NULL,
  released_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, version)
);

CREATE TABLE lots (
  id              text PRIMARY KEY,
  job_id          bigint NOT NULL REFERENCES jobs(id),
  chip            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Reels and their lease: a reel is held by one station; the epoch grows each time it goes to a station (a first
-- lease or a move), and every upload carries the epoch it was recorded under.
CREATE TABLE reels (
  lot_id          text NOT NULL REFERENCES lots(id),
  reel_id         text NOT NULL,
  part            text NOT NULL,
  quantity        integer NOT NULL CHECK (quantity > 0),
  date_code       text NOT NULL,
  state           text NOT NULL DEFAULT 'free' CHECK (state IN ('free', 'held', 'done')),
  station         text REFERENCES stations(name),
  epoch           integer NOT NULL DEFAULT 0,
  holder          text,                     -- the holding process: "pid P on HOST" (for people)
  leased_at       timestamptz,
  heartbeat_at    timestamptz,
  start_seq       integer NOT NULL DEFAULT 1, -- the holder starts after the last device the hub knew when it got the reel
  last_seq        integer NOT NULL DEFAULT 0, -- highest seq of a device the hub has for the reel
  recorded        integer NOT NULL DEFAULT 0, -- devices the hub has for the reel (devices and device_conflicts rows)
  PRIMARY KEY (lot_id, reel_id),
  CHECK ((state = 'free') = (station IS NULL))
);
CREATE INDEX reels_free ON reels(lot_id, reel_id) WHERE state = 'free';
CREATE INDEX reels_station ON reels(station) WHERE state = 'held';

-- Devices: one row per (lot, reel, seq), first writer wins; `late` marks one uploaded under a fenced epoch.
CREATE TABLE devices (
  lot_id          text NOT NULL,
  reel_id         text NOT NULL,
  seq             integer NOT NULL CHECK (seq >= 1),
  result          text NOT NULL CHECK (result IN ('pass', 'fail')),
  failure_code    text,
  serial          text,
  station         text NOT NULL,
  epoch           integer NOT NULL,
  late            boolean NOT NULL DEFAULT false,
  finished_at     text NOT NULL,            -- station's clock
  uploaded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (lot_id, reel_id, seq),
  FOREIGN KEY (lot_id, reel_id) REFERENCES reels(lot_id, reel_id),
  CHECK ((result = 'fail') = (failure_code IS NOT NULL))
);
-- A device a fenced holder uploaded for a (reel, seq) the reel's new holder had recorded already: kept, reported,
-- counted once (it is another physical chip), never merged into the other one's row.
CREATE TABLE device_conflicts (
  lot_id          text NOT NULL,
  reel_id         text NOT NULL,
  seq             integer NOT NULL,
  station         text NOT NULL,
  epoch           integer NOT NULL,
  result          text NOT NULL CHECK (result IN ('pass', 'fail')),
  failure_code    text,
  serial          text,
  finished_at     text NOT NULL,
  uploaded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (lot_id, reel_id, seq, station, epoch)
);

-- Attempts: one row per insertion, keyed by the id the station generated (uploads are idempotent on it).
CREATE TABLE attempts (
  id              uuid PRIMARY KEY,
  station         text NOT NULL REFERENCES stations(name),
  lot_id          text NOT NULL,
  reel_id         text NOT NULL,
  seq             integer NOT NULL,
  attempt         integer NOT NULL,
  programmer      text NOT NULL,            -- programmer serial
  site            integer NOT NULL,
  adapter         text,                     -- adapter serial
  started_at      text NOT NULL,            -- station's clock
  ended_at        text NOT NULL,
  result          text NOT NULL CHECK (result IN ('pass', 'fail', 'interrupted')),
  failure_code    text,
  stage           text,
  bad_blocks      integer NOT NULL DEFAULT 0,
  serial          text,
  epoch           integer NOT NULL,
  late            boolean NOT NULL DEFAULT false,
  uploaded_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (lot_id, reel_id) REFERENCES reels(lot_id, reel_id)
);
CREATE INDEX attempts_device ON attempts(lot_id, reel_id, seq);
CREATE INDEX attempts_adapter ON attempts(adapter) WHERE adapter IS NOT NULL;

-- Totals per lot and station, kept in the upload's own transaction from the rows it actually inserted.
CREATE TABLE lot_totals (
  lot_id          text NOT NULL REFERENCES lots(id),
  station         text NOT NULL,
  attempts        bigint NOT NULL DEFAULT 0,  -- finished attempts (pass or fail)
  passed_attempts bigint NOT NULL DEFAULT 0,
  devices         bigint NOT NULL DEFAULT 0,  -- devices counted (rows of devices and device_conflicts)
  passed          bigint NOT NULL DEFAULT 0,
  failed          bigint NOT NULL DEFAULT 0,
  late            bigint NOT NULL DEFAULT 0,  -- devices uploaded under a fenced epoch
  conflicts       bigint NOT NULL DEFAULT 0,  -- of which kept apart in device_conflicts
  last_upload_at  timestamptz,
  PRIMARY KEY (lot_id, station)
);

-- Serial rules and the hub's ledger. A station leases a block of a rule's value indexes [first_k, end_k); no two
-- blocks of a rule overlap (exclusion constraint) and no value is recorded twice (UNIQUE), whatever a station does.
CREATE TABLE serial_rules (
  id              bigserial PRIMARY KEY,
  name            text NOT NULL UNIQUE,
  spec            jsonb NOT NULL,
  capacity        numeric,                  -- values the rule can make (NULL: unbounded)
  next_k          bigint NOT NULL DEFAULT 0
);
CREATE TABLE serial_blocks (
  id              bigserial PRIMARY KEY,
  rule_id         bigint NOT NULL REFERENCES serial_rules(id),
  first_k         bigint NOT NULL,
  end_k           bigint NOT NULL,
  station         text NOT NULL REFERENCES stations(name),
  lot_id          text REFERENCES lots(id),
  leased_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (end_k > first_k),
  EXCLUDE USING gist (rule_id WITH =, int8range(first_k, end_k) WITH &&)
);
CREATE TABLE serial_ledger (
  rule_id         bigint NOT NULL REFERENCES serial_rules(id),
  k               bigint NOT NULL,
  value           text NOT NULL,
  state           text NOT NULL CHECK (state IN ('allocated', 'written', 'committed', 'voided', 'returned')),
  station         text NOT NULL,
  lot_id          text,
  reel_id         text,
  seq             integer,
  attempt         integer,
  reason          text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, k)
);
CREATE UNIQUE INDEX serial_ledger_value ON serial_ledger(rule_id, value);
CREATE INDEX serial_ledger_device ON serial_ledger(lot_id, reel_id, seq);

-- A value is recorded only inside a block leased to the station that records it.
CREATE FUNCTION serial_ledger_in_block() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM serial_blocks b WHERE b.rule_id = NEW.rule_id AND b.station = NEW.station
                   AND NEW.k >= b.first_k AND NEW.k < b.end_k) THEN
    RAISE EXCEPTION 'serial-outside-block: value % (index %) of rule % is not in a block leased to station %',
      NEW.value, NEW.k, NEW.rule_id, NEW.station USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER serial_ledger_in_block BEFORE INSERT ON serial_ledger FOR EACH ROW EXECUTE FUNCTION serial_ledger_in_block();

-- States only move forward (as in the station's ledger): a committed or voided value never changes, no value its text.
CREATE FUNCTION serial_ledger_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.value <> OLD.value OR NOT (
       NEW.state = OLD.state AND OLD.state NOT IN ('committed', 'voided')
    OR OLD.state = 'allocated' AND NEW.state IN ('written', 'committed', 'voided', 'returned')
    OR OLD.state = 'written' AND NEW.state IN ('committed', 'voided')
    OR OLD.state = 'returned' AND NEW.state = 'allocated') THEN
    RAISE EXCEPTION 'serial-backward: value % of rule % may not move from % to %', OLD.value, OLD.rule_id, OLD.state, NEW.state
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER serial_ledger_forward BEFORE UPDATE ON serial_ledger FOR EACH ROW EXECUTE FUNCTION serial_ledger_forward();

-- Alarms and audit from every station, and the hub's own acts (reel moves, late uploads).
CREATE TABLE events (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  station         text,
  lot_id          text,
  kind            text NOT NULL,            -- alarm | audit
  code            text NOT NULL,
  message         text NOT NULL,
  data            jsonb
);
CREATE INDEX events_lot ON events(lot_id, id);
