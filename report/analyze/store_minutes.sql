-- A store's requests per bucket and UTC minute: in each ten seconds (s0 … s5), answered 429, and from
-- the Okta System Log, as minuteCounts holds them.
SELECT class::UTINYINT AS class, m::BIGINT AS m,
       count(*) FILTER (WHERE s = 0)::BIGINT AS s0, count(*) FILTER (WHERE s = 1)::BIGINT AS s1,
       count(*) FILTER (WHERE s = 2)::BIGINT AS s2, count(*) FILTER (WHERE s = 3)::BIGINT AS s3,
       count(*) FILTER (WHERE s = 4)::BIGINT AS s4, count(*) FILTER (WHERE s = 5)::BIGINT AS s5,
       count(*) FILTER (WHERE status = 429)::BIGINT AS n429, count(*) FILTER (WHERE src = 1)::BIGINT AS nsys
FROM (SELECT class, status, src, floordiv(ts, 60000000) AS m, (ts - 60000000 * floordiv(ts, 60000000)) // 10000000 AS s
      FROM requests WHERE class < 253)
GROUP BY class, m
