-- excludes.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
),
exclude0 AS ( -- excludes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
),
exclude1 AS ( -- excludes[1]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
)
SELECT person_id FROM include0
EXCEPT
SELECT person_id FROM exclude0
EXCEPT
SELECT person_id FROM exclude1
-- args:
-- 1: []int64 [201826]
-- 2: []int64 [201254]
-- 3: []int64 [1503297]
