-- MES: one outbox row per recording transaction. A run's attempt used to write one mes_outbox row per message, each
-- with its whole MessageBody (UnitsProcessed: ~710 bytes, two thirds of it the same for every insertion of the
-- run): ~11 µs of the recording thread per device. Now a transaction writes one row holding all its messages, and a
-- UnitsProcessed or UnitsPersonalized is stored as the fields that change between insertions; the publisher thread
-- builds the full envelopes (src/mes/packed-row.ts, docs/mes.md).
--
-- mes_outbox rows are now of two forms; rows written before this migration are all of the first and publish as before:
--   single: message_name = a CFX name, unique_id = its UniqueID, body = its MessageBody as JSON;
--   packed: message_name = 'packed', unique_id = the first message's UniqueID, body = a JSON array
--           [mes_runs id (0: none), message, message, …], every message sharing the row's time_stamp, each one of
--             [0, UniqueID, unit, programmer, site, adapter, attempt, seconds, bad blocks, failure code, stage]  UnitsProcessed
--             [1, UniqueID, unit, site, [name, text, name, text, …]]                                            UnitsPersonalized
--             [MessageName, UniqueID, MessageBody]                                                              any message in full
-- A row of n messages takes the ids id-n+1 … id (it is inserted with id = the newest id + n), so the newest id less
-- mes_publish_state.sent_through is still the number of messages waiting, read in constant time.

-- A run's constant parts of its unit messages, written once when it starts: the packed rows name it.
CREATE TABLE mes_runs (
  id              INTEGER PRIMARY KEY,
  run_id          INTEGER REFERENCES runs(id), -- the run that wrote them (NULL: outside a recorded run)
  transaction_id  TEXT NOT NULL,               -- the run's CFX TransactionID
  recipe          TEXT NOT NULL,               -- `job vN`
  image_sha256    TEXT NOT NULL
);
CREATE INDEX mes_runs_run ON mes_runs(run_id);
