-- What a station's journal held alone until now, carried in its uploads so that the hub's trace and lot report show
-- what the station's do: who ran each insertion's run, whether it was an engineering run, which gangflash recorded it,
-- and the bytes each field of a serial value wrote. Rows uploaded before this migration keep NULL (shown as `-`).
ALTER TABLE attempts ADD COLUMN operator text;
ALTER TABLE attempts ADD COLUMN engineering boolean;
ALTER TABLE attempts ADD COLUMN gangflash_version text;
ALTER TABLE serial_ledger ADD COLUMN fields jsonb;  -- [{name, text, writes: [{offset, hex}]}], as the station's ledger data

-- An adapter's socket as its station knows it: insertions its socket had before it was registered, when its current
-- socket receptacle was fitted, and an operator's permission to use it past its rated life. `since_socket` counts the
-- insertions uploaded since `socket_since` (kept by each upload; counted again when a station reports a new socket),
-- so the hub's wear is the station's: prior_insertions + since_socket.
ALTER TABLE adapters ADD COLUMN prior_insertions bigint NOT NULL DEFAULT 0;
ALTER TABLE adapters ADD COLUMN socket_since text;
ALTER TABLE adapters ADD COLUMN override_life boolean NOT NULL DEFAULT false;
ALTER TABLE adapters ADD COLUMN since_socket bigint NOT NULL DEFAULT 0;
UPDATE adapters SET since_socket = insertions;
