-- requests_raw holds the requests of a run that an analysis needs, as the fields of one STRUCT column
-- (see liveFields); requests names them as the queries read them, agent and path unpacked from ids.
CREATE TABLE requests_raw (r STRUCT(ts BIGINT, class UTINYINT, client UBIGINT, principal UINTEGER, ids UBIGINT, dur UINTEGER));
CREATE VIEW requests AS
  SELECT ts, class, client, (ids >> 32)::UINTEGER AS agent, principal, (ids & 4294967295)::UINTEGER AS path, ids, dur
  FROM (SELECT r.ts AS ts, r.class AS class, r.client AS client, r.principal AS principal, r.ids AS ids, r.dur AS dur FROM requests_raw);
