-- What the hub's reads need of every station's farm. Site states of every station's programmers, as each station
-- publishes them (when it connects and whenever they change): what `report --hub`'s heat map marks disabled and what
-- `serve --hub` shows of each station's farm.
CREATE TABLE sites (
  programmer      text NOT NULL,            -- programmer serial
  site            integer NOT NULL CHECK (site BETWEEN 0 AND 63),
  station         text NOT NULL REFERENCES stations(name),
  enabled         boolean NOT NULL DEFAULT true,
  reason          text,                     -- why it is disabled (NULL when enabled)
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (programmer, site)
);
CREATE INDEX sites_station ON sites(station);

-- When the station registered each adapter (its journal's clock, ISO): `adapters forecast --hub` measures a young
-- adapter's rate over its own whole days, as the station does. The earliest a station reported is kept.
ALTER TABLE adapters ADD COLUMN registered_at text;

-- The dashboard's reads: each site's last finished insertion (one short backward index walk per site), and what was
-- uploaded since its last poll.
CREATE INDEX attempts_site_last ON attempts(programmer, site, (ended_at COLLATE "C"));
CREATE INDEX attempts_uploaded ON attempts(uploaded_at);
