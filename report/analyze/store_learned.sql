-- How often each bucket's responses carried each X-Rate-Limit-Limit, where the log recorded it.
SELECT class, rl, count(*)::BIGINT FROM requests WHERE rl > 0 AND class < 253 GROUP BY class, rl
