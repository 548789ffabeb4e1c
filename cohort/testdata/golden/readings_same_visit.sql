-- readings_same_visit.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    JOIN (SELECT * FROM "search_events" e1 WHERE e1.bucket IN (?::BIGINT) AND e1.concept_id IN (?::BIGINT) AND e1.is_standard AND e1.value_as_number > ?::DOUBLE) e1 ON e1.person_id = e.person_id AND e1.entry_date = e.entry_date AND e1.visit_occurrence_id IS NOT DISTINCT FROM e.visit_occurrence_id
    WHERE e.bucket IN (?::BIGINT) AND e.concept_id IN (?::BIGINT) AND e.is_standard AND e.value_as_number > ?::DOUBLE
)
SELECT DISTINCT person_id FROM include0
-- args:
-- 1: int64 10
-- 2: int64 3027018
-- 3: float64 100
-- 4: int64 25
-- 5: int64 3004249
-- 6: float64 140
