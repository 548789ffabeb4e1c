-- survey_answer.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.bucket IN (?::BIGINT) AND e.concept_id IN (?::BIGINT) AND e.is_standard
  UNION ALL
  -- items[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.bucket IN (?::BIGINT) AND e.concept_id IN (?::BIGINT) AND e.is_standard AND e.value_as_concept_id IN (SELECT unnest(?::BIGINT[]))
)
SELECT DISTINCT person_id FROM include0
-- args:
-- 1: int64 4
-- 2: int64 1585860
-- 3: int64 63
-- 4: int64 1585855
-- 5: []int64 [1585856 1585857]
