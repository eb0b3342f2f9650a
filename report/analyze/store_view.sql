-- requests names a store's requests as the queries read them, in the class column CLASS_COLUMN of the
-- analysed catalog, with the packed columns unpacked: ids = agent<<32 | path, and
-- info = status<<48 | src<<40 | flags<<32 | uint32(X-Rate-Limit-Limit); dur is the duration in
-- microseconds (0 when not logged: flags bit 3 tells).
CREATE OR REPLACE TEMP VIEW requests AS
  SELECT ts, CLASS_COLUMN AS class, client, (ids >> 32)::UINTEGER AS agent, principal,
         (ids & 4294967295)::UINTEGER AS path, ids, (info >> 48)::USMALLINT AS status,
         (info & 4294967295)::INTEGER AS rl, ((info >> 40) & 255)::UTINYINT AS src,
         ((info >> 32) & 255)::UTINYINT AS flags, dur
  FROM requests_all;
