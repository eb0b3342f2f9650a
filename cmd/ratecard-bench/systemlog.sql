-- What an analyst would write with DuckDB alone to count the requests of an Okta System Log NDJSON
-- export per minute: read_json with only the needed fields named (published, and debugContext.debugData's
-- requestUri and requestId), the events that record a request (a requestUri), one per request (the
-- events of one call share its requestId; re-delivered events repeat it), counted per UTC minute of the
-- request's first event. It is the per-minute count ratecard makes before classifying, with the same
-- duplicate removal, so the total must equal ratecard's input.requests (events without a requestId would
-- be merged here; the bench input has none). The parameter is the file's path.
WITH events AS (
  SELECT published, debugContext.debugData.requestUri AS uri, debugContext.debugData.requestId AS id
  FROM read_json(?, format = 'newline_delimited', records = true,
                 columns = {published: 'TIMESTAMP', debugContext: 'STRUCT(debugData STRUCT(requestUri VARCHAR, requestId VARCHAR))'})
), requests AS (
  SELECT min(published) AS t FROM events WHERE uri IS NOT NULL GROUP BY id, uri
)
SELECT count(*) AS minutes, sum(n)::BIGINT AS requests FROM (
  SELECT date_trunc('minute', t) AS minute, count(*) AS n FROM requests GROUP BY ALL
)
