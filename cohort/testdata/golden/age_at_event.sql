-- age_at_event.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
      AND e.age_at_event >= ?::BIGINT
)
SELECT DISTINCT person_id FROM include0
-- args:
-- 1: []int64 [201826]
-- 2: []int64 [201826]
-- 3: int64 65
