-- What an analyst would write with DuckDB alone: read the log as lines, pull the timestamp and
-- request out with one regular expression, classify the path with a CASE over the seed catalog's rules
-- (LIKE patterns, which DuckDB evaluates much faster than regular expressions), and count per bucket
-- and UTC minute. DuckDB 1.1 has no ICU, so the UTC offset is applied by hand. Lines are read as one
-- column, split at the byte 0x01 (written SOH below and replaced before the query runs), which never
-- occurs in a log line. The parameter is the log file's path.
WITH lines AS (
  SELECT line FROM read_csv(?, columns = {'line': 'VARCHAR'}, delim = 'SOH', quote = '', escape = '',
                            header = false, auto_detect = false, null_padding = true)
), parsed AS (
  SELECT regexp_extract(line, '^\S+ \S+ \S+ \[([^\]]+)\] "([A-Z]+) ([^ ?"]*)', ['t', 'method', 'path']) AS p
  FROM lines
), timed AS (
  SELECT strptime(left(p.t, 20), '%d/%b/%Y:%H:%M:%S')
           - to_minutes((CASE WHEN substr(p.t, 22, 1) = '-' THEN -1 ELSE 1 END)
                        * (substr(p.t, 23, 2)::INT * 60 + substr(p.t, 25, 2)::INT)) AS utc,
         p.method AS method, rtrim(p.path, '/') AS path
  FROM parsed WHERE p.t <> ''
), classified AS (
  SELECT date_trunc('minute', utc) AS minute,
    CASE
      WHEN path LIKE '/api/v1/authn/factors/%/verify' AND path NOT LIKE '/api/v1/authn/factors/%/%/verify' THEN 'authn-verify'
      WHEN path = '/api/v1/authn' OR path LIKE '/api/v1/authn/%' THEN 'authn'
      WHEN path = '/api/v1/sessions' OR path LIKE '/api/v1/sessions/%' THEN 'sessions'
      WHEN path IN ('/oauth2/v1/keys', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server')
        OR path LIKE '/oauth2/%/v1/keys' OR path LIKE '/oauth2/%/.well-known/%' THEN 'public-metadata'
      WHEN path = '/oauth2/v1/clients' OR path LIKE '/oauth2/v1/clients/%' THEN 'oauth2-clients'
      WHEN path LIKE '/oauth2/v1/%' THEN 'oauth2-org'
      WHEN path LIKE '/oauth2/%/v1/%' THEN 'oauth2-custom'
      WHEN path = '/oauth2' OR path LIKE '/oauth2/%' THEN 'oauth2-other'
      WHEN path LIKE '/api/v1/apps/%' AND path NOT LIKE '/api/v1/apps/%/%' THEN 'apps-by-id'
      WHEN path = '/api/v1/apps' OR path LIKE '/api/v1/apps/%' THEN 'apps'
      WHEN path LIKE '/api/v1/groups/%' AND path NOT LIKE '/api/v1/groups/%/%' THEN 'groups-by-id'
      WHEN path = '/api/v1/groups' OR path LIKE '/api/v1/groups/%' THEN 'groups'
      WHEN path = '/api/v1/users' AND method IN ('GET', 'POST') THEN 'users'
      WHEN path LIKE '/api/v1/users/%' AND path NOT LIKE '/api/v1/users/%/%' AND method = 'GET' THEN 'users-get'
      WHEN path LIKE '/api/v1/users/%' AND path NOT LIKE '/api/v1/users/%/%' AND method IN ('POST', 'PUT', 'DELETE') THEN 'users-update'
      WHEN path = '/api/v1/logs' THEN 'logs'
      WHEN path = '/api/v1/events' THEN 'events'
      WHEN path = '/api/v1/orgs' OR path LIKE '/api/v1/orgs/%' THEN 'orgs'
      WHEN path LIKE '/api/v1/%' THEN 'api-other'
      ELSE 'outside-catalog'
    END AS bucket
  FROM timed
)
SELECT count(*) AS cells, sum(n)::BIGINT AS requests FROM (
  SELECT bucket, minute, count(*) AS n FROM classified GROUP BY ALL
)
