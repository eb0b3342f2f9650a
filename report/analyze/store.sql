-- A store's tables, with one "ck UTINYINT NOT NULL" class column per catalog in place of CLASS_COLUMNS.
CREATE TABLE requests_all (ts BIGINT NOT NULL, CLASS_COLUMNS, client UBIGINT NOT NULL, principal UINTEGER NOT NULL,
                           ids UBIGINT NOT NULL, info UBIGINT NOT NULL, dur UINTEGER NOT NULL);
CREATE TABLE ratecard_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
