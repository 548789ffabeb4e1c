-- source_event_date_encounters.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.bucket IN (?::BIGINT) AND e.concept_id IN (?::BIGINT) AND NOT e.is_standard
      AND e.entry_date BETWEEN ?::DATE AND ?::DATE
      AND e.visit_concept_id IN (SELECT unnest(?::BIGINT[]))
  UNION ALL
  -- items[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.bucket IN (SELECT descendant_id % 64 FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
      AND e.entry_date BETWEEN ?::DATE AND ?::DATE
      AND e.visit_concept_id IN (SELECT unnest(?::BIGINT[]))
)
SELECT DISTINCT person_id FROM include0
-- args:
-- 1: int64 49
-- 2: int64 44820017
-- 3: string "2010-01-01"
-- 4: string "2019-12-31"
-- 5: []int64 [262 9201]
-- 6: []int64 [201826]
-- 7: []int64 [201826]
-- 8: string "2010-01-01"
-- 9: string "2019-12-31"
-- 10: []int64 [262 9201]
