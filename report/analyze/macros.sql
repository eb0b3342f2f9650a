-- floordiv(a, b) is a / b rounded down (b > 0): the minute or ten-second step of an instant, before
-- 1970 too.
CREATE OR REPLACE TEMP MACRO floordiv(a, b) AS CASE WHEN a >= 0 THEN a // b ELSE -((-a - 1) // b) - 1 END;
