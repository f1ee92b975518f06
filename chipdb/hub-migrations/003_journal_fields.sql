-- What a station's journal held alone until now, carried in its uploads so that the hub's trace and lot report show
-- what the station's do: who ran each insertion's run, whether it was an engineering run, which gangflash recorded it,
-- and the bytes each field of a serial value wrote. Rows uploaded before this migration keep NULL (shown as `-`).
ALTER TABLE attempts ADD COLUMN operator text;
ALTER TABLE attempts ADD COLUMN engineering boolean;
ALTER TABLE attempts ADD COLUMN gangflash_version text;
ALTER TABLE serial_ledger ADD COLUMN fields jsonb;  -- [{name, text, writes: [{offset, hex}]}], as the station's ledger data
