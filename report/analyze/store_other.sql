-- A store's requests per bucket of another catalog (its class column, CLASS_COLUMN): in all, and in
-- the busiest UTC minute, the earliest on ties, for the comparison of catalogs.
WITH m AS (SELECT CLASS_COLUMN AS class, floordiv(ts, 60000000) AS m, count(*)::BIGINT AS n
           FROM requests_all WHERE CLASS_COLUMN < 253 GROUP BY CLASS_COLUMN, floordiv(ts, 60000000)),
mx AS (SELECT class, sum(n)::BIGINT AS requests, max(n)::BIGINT AS peak FROM m GROUP BY class)
SELECT mx.class::UTINYINT, mx.requests, mx.peak, min(m.m)::BIGINT
FROM mx JOIN m ON m.class = mx.class AND m.n = mx.peak
GROUP BY mx.class, mx.requests, mx.peak ORDER BY mx.class
