-- The requests of rate-limited buckets in flight during one second [$1, $2) (intervals [ts, ts+dur)
-- with dur > 0 that meet it): kind 0 their number, kind 1 the top $3 buckets and path templates,
-- kind 2 the top $3 callers (client address, user agent). Ties in name order.
WITH f AS (
  SELECT class, client, agent, path FROM requests
  WHERE ts < $2 AND ts + dur > $1 AND dur > 0 AND class < 253
), e AS (
  SELECT 1::UTINYINT AS kind, class, 0::UBIGINT AS id, coalesce(p.name, '') AS name, '' AS name2, count(*) AS n
  FROM f LEFT JOIN path_names p ON p.id = f.path GROUP BY ALL
), c AS (
  SELECT 2::UTINYINT AS kind, 0::UTINYINT AS class, f.client AS id, coalesce(cn.name, '') AS name, coalesce(a.name, '') AS name2, count(*) AS n
  FROM f LEFT JOIN client_names cn ON cn.id = f.client LEFT JOIN agent_names a ON a.id = f.agent GROUP BY ALL
)
SELECT 0::UTINYINT, 0::UTINYINT, 0::UBIGINT, '', '', count(*) FROM f
UNION ALL (SELECT * FROM e ORDER BY n DESC, name, class LIMIT $3)
UNION ALL (SELECT * FROM c ORDER BY n DESC, name, name2, id LIMIT $3);
