-- Adapter prices, for the planner's cost of adapter wear (price / rated insertions) and of adapters to buy
-- (`gangflash plan --compare isp`). Money is in the site's currency (the site settings file's `currency`).
-- adapter_types.price: the catalog's list price of one adapter of the type (adapters/*.json `price`); NULL: unknown.
-- adapters.price: what this physical adapter cost (`gangflash adapters price SERIAL AMOUNT`); NULL: the type's price.
ALTER TABLE adapter_types ADD COLUMN price REAL CHECK (price IS NULL OR price >= 0);
ALTER TABLE adapters ADD COLUMN price REAL CHECK (price IS NULL OR price >= 0);
