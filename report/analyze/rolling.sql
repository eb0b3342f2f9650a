-- The rolling 60 s peak, evaluated where the bounds of rolling.go say it may start (after
-- picked.sql).
--
-- rolling: for each request of a start and of the 60 s after it, the number of requests in
-- [ts, ts + 60 s). RANGE ... 59999999 FOLLOWING on integer microseconds is exactly "< ts + 60 s", and
-- a RANGE frame starting at the CURRENT ROW counts every request at the same instant.
CREATE OR REPLACE TEMP TABLE rolling AS
  WITH span AS (SELECT DISTINCT class, k + d AS k FROM starts CROSS JOIN range(7) t(d))
  SELECT r.class, r.ts, count(*) OVER (PARTITION BY r.class ORDER BY r.ts
                                       RANGE BETWEEN CURRENT ROW AND 59999999 FOLLOWING)::BIGINT AS n
  FROM picked r JOIN span s ON r.class = s.class AND floordiv(r.ts, 10000000) = s.k;
