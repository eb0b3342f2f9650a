-- A store's time range and its requests to public metadata (254) and outside the catalog (255).
SELECT min(ts), max(ts), count(*) FILTER (WHERE class = 254), count(*) FILTER (WHERE class = 255) FROM requests
