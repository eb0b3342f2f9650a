-- ratecard: requests per Okta rate-limit bucket (catalog seed) and UTC second.
-- s: the request path's non-empty segments; l1, l2, ...: the catalog literal each of the first
-- segments spells, percent-encoded or not (NULL for none).
WITH requests AS (
  SELECT CAST(floor(epoch((request_time))) AS BIGINT) AS second, (request_verb) AS method, (elb_status_code) AS status,
         list_filter(string_split(regexp_replace(regexp_replace((request_url), '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*', ''), '(?s)[?#].*$', ''), '/'), x -> x <> '') AS s
  FROM okta_access_logs
),
segments AS (
  SELECT second, method, status, len(s) AS n,
    CASE
      WHEN (s[1] = 'api' OR (contains(s[1], '%') AND regexp_full_match(s[1], '(?:a|%61)(?:p|%70)(?:i|%69)'))) THEN 'api'
      WHEN (s[1] = 'oauth2' OR (contains(s[1], '%') AND regexp_full_match(s[1], '(?:o|%6[Ff])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:2|%32)'))) THEN 'oauth2'
      WHEN (s[1] = '.well-known' OR (contains(s[1], '%') AND regexp_full_match(s[1], '(?:[.]|%2[Ee])(?:w|%77)(?:e|%65)(?:l|%6[Cc])(?:l|%6[Cc])(?:[-]|%2[Dd])(?:k|%6[Bb])(?:n|%6[Ee])(?:o|%6[Ff])(?:w|%77)(?:n|%6[Ee])'))) THEN '.well-known' END AS l1,
    CASE
      WHEN (s[2] = 'v1' OR (contains(s[2], '%') AND regexp_full_match(s[2], '(?:v|%76)(?:1|%31)'))) THEN 'v1'
      WHEN (s[2] = 'openid-configuration' OR (contains(s[2], '%') AND regexp_full_match(s[2], '(?:o|%6[Ff])(?:p|%70)(?:e|%65)(?:n|%6[Ee])(?:i|%69)(?:d|%64)(?:[-]|%2[Dd])(?:c|%63)(?:o|%6[Ff])(?:n|%6[Ee])(?:f|%66)(?:i|%69)(?:g|%67)(?:u|%75)(?:r|%72)(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])'))) THEN 'openid-configuration'
      WHEN (s[2] = 'oauth-authorization-server' OR (contains(s[2], '%') AND regexp_full_match(s[2], '(?:o|%6[Ff])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:[-]|%2[Dd])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:o|%6[Ff])(?:r|%72)(?:i|%69)(?:z|%7[Aa])(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])(?:[-]|%2[Dd])(?:s|%73)(?:e|%65)(?:r|%72)(?:v|%76)(?:e|%65)(?:r|%72)'))) THEN 'oauth-authorization-server' END AS l2,
    CASE
      WHEN (s[3] = 'authn' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:n|%6[Ee])'))) THEN 'authn'
      WHEN (s[3] = 'sessions' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:s|%73)(?:e|%65)(?:s|%73)(?:s|%73)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])(?:s|%73)'))) THEN 'sessions'
      WHEN (s[3] = 'apps' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:a|%61)(?:p|%70)(?:p|%70)(?:s|%73)'))) THEN 'apps'
      WHEN (s[3] = 'groups' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:g|%67)(?:r|%72)(?:o|%6[Ff])(?:u|%75)(?:p|%70)(?:s|%73)'))) THEN 'groups'
      WHEN (s[3] = 'users' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:u|%75)(?:s|%73)(?:e|%65)(?:r|%72)(?:s|%73)'))) THEN 'users'
      WHEN (s[3] = 'logs' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:l|%6[Cc])(?:o|%6[Ff])(?:g|%67)(?:s|%73)'))) THEN 'logs'
      WHEN (s[3] = 'events' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:e|%65)(?:v|%76)(?:e|%65)(?:n|%6[Ee])(?:t|%74)(?:s|%73)'))) THEN 'events'
      WHEN (s[3] = 'orgs' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:o|%6[Ff])(?:r|%72)(?:g|%67)(?:s|%73)'))) THEN 'orgs'
      WHEN (s[3] = 'clients' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:c|%63)(?:l|%6[Cc])(?:i|%69)(?:e|%65)(?:n|%6[Ee])(?:t|%74)(?:s|%73)'))) THEN 'clients'
      WHEN (s[3] = 'keys' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:k|%6[Bb])(?:e|%65)(?:y|%79)(?:s|%73)'))) THEN 'keys'
      WHEN (s[3] = 'v1' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:v|%76)(?:1|%31)'))) THEN 'v1'
      WHEN (s[3] = '.well-known' OR (contains(s[3], '%') AND regexp_full_match(s[3], '(?:[.]|%2[Ee])(?:w|%77)(?:e|%65)(?:l|%6[Cc])(?:l|%6[Cc])(?:[-]|%2[Dd])(?:k|%6[Bb])(?:n|%6[Ee])(?:o|%6[Ff])(?:w|%77)(?:n|%6[Ee])'))) THEN '.well-known' END AS l3,
    CASE
      WHEN (s[4] = 'factors' OR (contains(s[4], '%') AND regexp_full_match(s[4], '(?:f|%66)(?:a|%61)(?:c|%63)(?:t|%74)(?:o|%6[Ff])(?:r|%72)(?:s|%73)'))) THEN 'factors'
      WHEN (s[4] = 'keys' OR (contains(s[4], '%') AND regexp_full_match(s[4], '(?:k|%6[Bb])(?:e|%65)(?:y|%79)(?:s|%73)'))) THEN 'keys'
      WHEN (s[4] = 'openid-configuration' OR (contains(s[4], '%') AND regexp_full_match(s[4], '(?:o|%6[Ff])(?:p|%70)(?:e|%65)(?:n|%6[Ee])(?:i|%69)(?:d|%64)(?:[-]|%2[Dd])(?:c|%63)(?:o|%6[Ff])(?:n|%6[Ee])(?:f|%66)(?:i|%69)(?:g|%67)(?:u|%75)(?:r|%72)(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])'))) THEN 'openid-configuration'
      WHEN (s[4] = 'oauth-authorization-server' OR (contains(s[4], '%') AND regexp_full_match(s[4], '(?:o|%6[Ff])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:[-]|%2[Dd])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:o|%6[Ff])(?:r|%72)(?:i|%69)(?:z|%7[Aa])(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])(?:[-]|%2[Dd])(?:s|%73)(?:e|%65)(?:r|%72)(?:v|%76)(?:e|%65)(?:r|%72)'))) THEN 'oauth-authorization-server' END AS l4,
    CASE
      WHEN (s[6] = 'verify' OR (contains(s[6], '%') AND regexp_full_match(s[6], '(?:v|%76)(?:e|%65)(?:r|%72)(?:i|%69)(?:f|%66)(?:y|%79)'))) THEN 'verify' END AS l6
  FROM requests
  WHERE second >= 1790812800 AND second < 1793491200
),
classified AS (
  SELECT second, status,
    CASE
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'authn' AND l4 = 'factors' AND l6 = 'verify' AND n = 6 THEN 'authn-verify'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'authn' THEN 'authn'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'sessions' THEN 'sessions'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'apps' AND n = 4 THEN 'apps-by-id'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'apps' THEN 'apps'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'groups' AND n = 4 THEN 'groups-by-id'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'groups' THEN 'groups'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'users' AND n = 3 AND method IN ('GET', 'POST') THEN 'users'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'users' AND n = 4 AND method IN ('GET') THEN 'users-get'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'users' AND n = 4 AND method IN ('POST', 'PUT', 'DELETE') THEN 'users-update'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'logs' THEN 'logs'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'events' THEN 'events'
      WHEN l1 = 'api' AND l2 = 'v1' AND l3 = 'orgs' THEN 'orgs'
      WHEN l1 = 'api' AND l2 = 'v1' THEN 'api-other'
      WHEN l1 = 'oauth2' AND l2 = 'v1' AND l3 = 'clients' THEN 'oauth2-clients'
      WHEN l1 = 'oauth2' AND l2 = 'v1' AND l3 = 'keys' AND n = 3 THEN 'public-metadata'
      WHEN l1 = 'oauth2' AND l2 = 'v1' THEN 'oauth2-org'
      WHEN l1 = 'oauth2' AND l3 = 'v1' AND l4 = 'keys' AND n = 4 THEN 'public-metadata'
      WHEN l1 = 'oauth2' AND l3 = 'v1' THEN 'oauth2-custom'
      WHEN l1 = 'oauth2' AND l3 = '.well-known' AND l4 = 'openid-configuration' AND n = 4 THEN 'public-metadata'
      WHEN l1 = 'oauth2' AND l3 = '.well-known' AND l4 = 'oauth-authorization-server' AND n = 4 THEN 'public-metadata'
      WHEN l1 = 'oauth2' THEN 'oauth2-other'
      WHEN l1 = '.well-known' AND l2 = 'openid-configuration' AND n = 2 THEN 'public-metadata'
      WHEN l1 = '.well-known' AND l2 = 'oauth-authorization-server' AND n = 2 THEN 'public-metadata'
      ELSE 'outside-catalog'
    END AS bucket
  FROM segments
)
SELECT bucket, second, count(*) AS requests, count(*) FILTER (WHERE status = 429) AS throttled
FROM classified
GROUP BY bucket, second
