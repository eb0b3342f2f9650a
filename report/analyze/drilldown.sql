-- The drill-down: who made the requests of each bucket's hot minutes (table hot: class, m, made in Go).
-- hot_rows are those requests, from picked, which holds every request of the hot minutes.
CREATE OR REPLACE TEMP TABLE hot_rows AS
  SELECT r.class, r.client, (r.ids >> 32)::UINTEGER AS agent, (r.ids & 4294967295)::UINTEGER AS path
  FROM picked r JOIN hot h ON r.class = h.class AND floordiv(r.ts, 60000000) = h.m;
DROP TABLE picked;
