-- ratecard: requests per Okta rate-limit bucket (catalog seed) and UTC second.
-- s: the request path's non-empty segments; l1, l2, ...: the catalog literal each of the first
-- segments spells, percent-encoded or not (NULL for none).
WITH requests AS (
  SELECT UNIX_SECONDS((request_time)) AS second, (request_verb) AS method, (elb_status_code) AS status,
         ARRAY(SELECT x FROM UNNEST(SPLIT(REGEXP_REPLACE(REGEXP_REPLACE((request_url), r'^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*', ''), r'(?s)[?#].*$', ''), '/')) AS x WITH OFFSET AS o WHERE x != '' ORDER BY o) AS s
  FROM okta_access_logs
),
segments AS (
  SELECT second, method, status, ARRAY_LENGTH(s) AS n,
    CASE
      WHEN (s[SAFE_ORDINAL(1)] = 'api' OR (STRPOS(s[SAFE_ORDINAL(1)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(1)], r'^(?:(?:a|%61)(?:p|%70)(?:i|%69))$'))) THEN 'api'
      WHEN (s[SAFE_ORDINAL(1)] = 'oauth2' OR (STRPOS(s[SAFE_ORDINAL(1)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(1)], r'^(?:(?:o|%6[Ff])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:2|%32))$'))) THEN 'oauth2'
      WHEN (s[SAFE_ORDINAL(1)] = '.well-known' OR (STRPOS(s[SAFE_ORDINAL(1)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(1)], r'^(?:(?:[.]|%2[Ee])(?:w|%77)(?:e|%65)(?:l|%6[Cc])(?:l|%6[Cc])(?:[-]|%2[Dd])(?:k|%6[Bb])(?:n|%6[Ee])(?:o|%6[Ff])(?:w|%77)(?:n|%6[Ee]))$'))) THEN '.well-known' END AS l1,
    CASE
      WHEN (s[SAFE_ORDINAL(2)] = 'v1' OR (STRPOS(s[SAFE_ORDINAL(2)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(2)], r'^(?:(?:v|%76)(?:1|%31))$'))) THEN 'v1'
      WHEN (s[SAFE_ORDINAL(2)] = 'openid-configuration' OR (STRPOS(s[SAFE_ORDINAL(2)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(2)], r'^(?:(?:o|%6[Ff])(?:p|%70)(?:e|%65)(?:n|%6[Ee])(?:i|%69)(?:d|%64)(?:[-]|%2[Dd])(?:c|%63)(?:o|%6[Ff])(?:n|%6[Ee])(?:f|%66)(?:i|%69)(?:g|%67)(?:u|%75)(?:r|%72)(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee]))$'))) THEN 'openid-configuration'
      WHEN (s[SAFE_ORDINAL(2)] = 'oauth-authorization-server' OR (STRPOS(s[SAFE_ORDINAL(2)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(2)], r'^(?:(?:o|%6[Ff])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:[-]|%2[Dd])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:o|%6[Ff])(?:r|%72)(?:i|%69)(?:z|%7[Aa])(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])(?:[-]|%2[Dd])(?:s|%73)(?:e|%65)(?:r|%72)(?:v|%76)(?:e|%65)(?:r|%72))$'))) THEN 'oauth-authorization-server' END AS l2,
    CASE
      WHEN (s[SAFE_ORDINAL(3)] = 'authn' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:n|%6[Ee]))$'))) THEN 'authn'
      WHEN (s[SAFE_ORDINAL(3)] = 'sessions' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:s|%73)(?:e|%65)(?:s|%73)(?:s|%73)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])(?:s|%73))$'))) THEN 'sessions'
      WHEN (s[SAFE_ORDINAL(3)] = 'apps' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:a|%61)(?:p|%70)(?:p|%70)(?:s|%73))$'))) THEN 'apps'
      WHEN (s[SAFE_ORDINAL(3)] = 'groups' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:g|%67)(?:r|%72)(?:o|%6[Ff])(?:u|%75)(?:p|%70)(?:s|%73))$'))) THEN 'groups'
      WHEN (s[SAFE_ORDINAL(3)] = 'users' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:u|%75)(?:s|%73)(?:e|%65)(?:r|%72)(?:s|%73))$'))) THEN 'users'
      WHEN (s[SAFE_ORDINAL(3)] = 'logs' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:l|%6[Cc])(?:o|%6[Ff])(?:g|%67)(?:s|%73))$'))) THEN 'logs'
      WHEN (s[SAFE_ORDINAL(3)] = 'events' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:e|%65)(?:v|%76)(?:e|%65)(?:n|%6[Ee])(?:t|%74)(?:s|%73))$'))) THEN 'events'
      WHEN (s[SAFE_ORDINAL(3)] = 'orgs' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:o|%6[Ff])(?:r|%72)(?:g|%67)(?:s|%73))$'))) THEN 'orgs'
      WHEN (s[SAFE_ORDINAL(3)] = 'clients' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:c|%63)(?:l|%6[Cc])(?:i|%69)(?:e|%65)(?:n|%6[Ee])(?:t|%74)(?:s|%73))$'))) THEN 'clients'
      WHEN (s[SAFE_ORDINAL(3)] = 'keys' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:k|%6[Bb])(?:e|%65)(?:y|%79)(?:s|%73))$'))) THEN 'keys'
      WHEN (s[SAFE_ORDINAL(3)] = 'v1' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:v|%76)(?:1|%31))$'))) THEN 'v1'
      WHEN (s[SAFE_ORDINAL(3)] = '.well-known' OR (STRPOS(s[SAFE_ORDINAL(3)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(3)], r'^(?:(?:[.]|%2[Ee])(?:w|%77)(?:e|%65)(?:l|%6[Cc])(?:l|%6[Cc])(?:[-]|%2[Dd])(?:k|%6[Bb])(?:n|%6[Ee])(?:o|%6[Ff])(?:w|%77)(?:n|%6[Ee]))$'))) THEN '.well-known' END AS l3,
    CASE
      WHEN (s[SAFE_ORDINAL(4)] = 'factors' OR (STRPOS(s[SAFE_ORDINAL(4)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(4)], r'^(?:(?:f|%66)(?:a|%61)(?:c|%63)(?:t|%74)(?:o|%6[Ff])(?:r|%72)(?:s|%73))$'))) THEN 'factors'
      WHEN (s[SAFE_ORDINAL(4)] = 'keys' OR (STRPOS(s[SAFE_ORDINAL(4)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(4)], r'^(?:(?:k|%6[Bb])(?:e|%65)(?:y|%79)(?:s|%73))$'))) THEN 'keys'
      WHEN (s[SAFE_ORDINAL(4)] = 'openid-configuration' OR (STRPOS(s[SAFE_ORDINAL(4)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(4)], r'^(?:(?:o|%6[Ff])(?:p|%70)(?:e|%65)(?:n|%6[Ee])(?:i|%69)(?:d|%64)(?:[-]|%2[Dd])(?:c|%63)(?:o|%6[Ff])(?:n|%6[Ee])(?:f|%66)(?:i|%69)(?:g|%67)(?:u|%75)(?:r|%72)(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee]))$'))) THEN 'openid-configuration'
      WHEN (s[SAFE_ORDINAL(4)] = 'oauth-authorization-server' OR (STRPOS(s[SAFE_ORDINAL(4)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(4)], r'^(?:(?:o|%6[Ff])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:[-]|%2[Dd])(?:a|%61)(?:u|%75)(?:t|%74)(?:h|%68)(?:o|%6[Ff])(?:r|%72)(?:i|%69)(?:z|%7[Aa])(?:a|%61)(?:t|%74)(?:i|%69)(?:o|%6[Ff])(?:n|%6[Ee])(?:[-]|%2[Dd])(?:s|%73)(?:e|%65)(?:r|%72)(?:v|%76)(?:e|%65)(?:r|%72))$'))) THEN 'oauth-authorization-server' END AS l4,
    CASE
      WHEN (s[SAFE_ORDINAL(6)] = 'verify' OR (STRPOS(s[SAFE_ORDINAL(6)], '%') > 0 AND REGEXP_CONTAINS(s[SAFE_ORDINAL(6)], r'^(?:(?:v|%76)(?:e|%65)(?:r|%72)(?:i|%69)(?:f|%66)(?:y|%79))$'))) THEN 'verify' END AS l6
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
SELECT bucket, second, COUNT(*) AS requests, COUNTIF(status = 429) AS throttled
FROM classified
GROUP BY bucket, second
