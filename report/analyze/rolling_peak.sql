-- Each bucket's rolling peak and its start: the earliest instant that reaches the largest count.
WITH rmax AS (SELECT class, max(n) AS n FROM rolling GROUP BY class)
SELECT class, n, min(ts) FROM rolling JOIN rmax USING (class, n) GROUP BY class, n ORDER BY class
