/**
 * Every station's programmers with the number the hub's dashboard knows each by (by serial) and its name as its
 * station shows it (`STATION/NAME` when two stations use the name): a CTE named `pn` for the farm and live reads.
 */
export const PROGRAMMER_NUMBERS = `pn AS (SELECT serial, station, name, model, driver, sites, dense_rank() OVER (ORDER BY serial COLLATE "C")::int AS id,
                                      CASE WHEN count(*) OVER (PARTITION BY name) > 1 THEN station || '/' || name ELSE name END AS label
                                 FROM programmers)`;
