-- Each principal's busiest minute per bucket (the earliest on ties), the busiest principals first.
WITH pm AS (
  SELECT class, principal, floordiv(ts, 60000000) AS m, count(*)::BIGINT AS n
  FROM requests WHERE principal <> 0 AND class < 253 GROUP BY class, principal, floordiv(ts, 60000000)),
mx AS (SELECT class, principal, max(n) AS n FROM pm GROUP BY class, principal)
SELECT mx.class, coalesce(nm.name, ''), mx.n, min(pm.m)
FROM mx JOIN pm USING (class, principal, n) LEFT JOIN principal_names nm ON nm.id = mx.principal
GROUP BY mx.class, mx.principal, nm.name, mx.n ORDER BY mx.class, mx.n DESC, nm.name, mx.principal
