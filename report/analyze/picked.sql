-- The requests the rolling peak and the drill-down read.
--
-- picked: the requests of the minutes holding a start (table starts: class, m, k = 6m + j for the j-th
-- ten seconds of minute m), of the minutes after them, and of the flagged minutes (the drill-down
-- reads those too).
CREATE OR REPLACE TEMP TABLE picked AS
  WITH k AS (SELECT class, m FROM starts UNION SELECT class, m + 1 FROM starts UNION SELECT class, m FROM flagged)
  SELECT r.class, r.ts, r.client, r.ids FROM requests r JOIN k ON r.class = k.class AND floordiv(r.ts, 60000000) = k.m;
