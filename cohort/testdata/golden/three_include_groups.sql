-- three_include_groups.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
),
include1 AS ( -- includes[1]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
),
include2 AS ( -- includes[2]
  -- items[0], items[1]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (?::BIGINT, ?::BIGINT) AND e.is_standard
)
SELECT person_id FROM include0
INTERSECT
SELECT person_id FROM include1
INTERSECT
SELECT person_id FROM include2
-- args:
-- 1: []int64 [201826]
-- 2: []int64 [1503297]
-- 3: int64 3004410
-- 4: int64 4185115
