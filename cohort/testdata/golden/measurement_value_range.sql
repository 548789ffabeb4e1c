-- measurement_value_range.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.bucket IN (?::BIGINT) AND e.concept_id IN (?::BIGINT) AND e.is_standard AND e.value_as_number BETWEEN ?::DOUBLE AND ?::DOUBLE
)
SELECT DISTINCT person_id FROM include0
-- args:
-- 1: int64 58
-- 2: int64 3004410
-- 3: float64 6.5
-- 4: float64 10
