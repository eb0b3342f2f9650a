-- The top callers of each bucket's hot minutes by client address (col 0), user agent (1), path
-- template (2) and user-agent product (3: agent_products maps each agent to its product, made in Go),
-- with their names. Ties go by name, then id: ids are given in the order the parsers'
-- batches reach the loader, which differs from run to run. A client id that is an IPv4 address
-- itself has no name here ("", then its id: the address's numeric order); Go spells it out.
WITH counted AS (
  SELECT class, 0 AS col, client AS id, count(*)::BIGINT AS n FROM hot_rows GROUP BY class, client
  UNION ALL SELECT class, 1, agent, count(*)::BIGINT FROM hot_rows GROUP BY class, agent
  UNION ALL SELECT class, 2, path, count(*)::BIGINT FROM hot_rows GROUP BY class, path
  UNION ALL SELECT h.class, 3, p.product, count(*)::BIGINT FROM hot_rows h JOIN agent_products p ON p.agent = h.agent
            GROUP BY h.class, p.product),
dict AS (
  SELECT 0 AS col, id, name FROM client_names UNION ALL SELECT 1, id, name FROM agent_names
  UNION ALL SELECT 2, id, name FROM path_names UNION ALL SELECT 3, id, name FROM product_names),
named AS (
  SELECT c.class, c.col, c.id, coalesce(d.name, '') AS name, c.n FROM counted c LEFT JOIN dict d ON d.col = c.col AND d.id = c.id
  QUALIFY row_number() OVER (PARTITION BY c.class, c.col ORDER BY c.n DESC, name, c.id) <= ?)
SELECT class, col, id::UBIGINT, name, n FROM named ORDER BY class, col, n DESC, name, id
