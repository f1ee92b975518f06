-- MES: the unit messages of an insertion are read from its attempts row, not written to the outbox. Until now every
-- recording transaction also inserted a packed mes_outbox row (010) holding the insertion's UnitsProcessed and, for
-- the device's last insertion, its UnitsPersonalized or UnitsDisqualified: one more B-tree page written to the WAL
-- (and copied by its checkpoints) per device, on the recording thread. Everything those messages say is already in
-- the attempts row and what it names (its device, programmer, adapter, serial value, and the run's mes_runs row),
-- committed in the same transaction, so the attempts row is their outbox: the publisher thread builds them from it
-- (src/mes/unit-messages.ts). Their UniqueIDs are derived from the run's TransactionID and the attempt's id, so a
-- resend is the same envelope. The outbox keeps every other message (runs, states, alarms, reels, counters).
--
-- How far the attempts are published, in mes_publish_state (one UPDATE per batch, with sent_through):
--   units_through  every attempt with id <= units_through is published (or has nothing to publish: interrupted,
--                  or its run did not publish) unless its id is in units_open;
--   units_open     JSON array of the attempt ids <= units_through that were still in their socket when the
--                  publisher passed them (a few per site at most); each is published once it is finished.
-- Attempts recorded before this migration had their messages written to the outbox: they are counted as passed.
ALTER TABLE mes_publish_state ADD COLUMN units_through INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mes_publish_state ADD COLUMN units_open TEXT NOT NULL DEFAULT '[]';
UPDATE mes_publish_state SET units_through = (SELECT coalesce(max(id), 0) FROM attempts);
