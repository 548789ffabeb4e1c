-- source_event_date_encounters.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (?::BIGINT) AND NOT e.is_standard
      AND e.entry_date BETWEEN ?::DATE AND ?::DATE
      AND e.visit_concept_id IN (SELECT unnest(?::BIGINT[]))
  UNION ALL
  -- items[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
      AND e.entry_date BETWEEN ?::DATE AND ?::DATE
      AND e.visit_concept_id IN (SELECT unnest(?::BIGINT[]))
)
SELECT DISTINCT person_id FROM include0
-- args:
-- 1: int64 44820017
-- 2: string "2010-01-01"
-- 3: string "2019-12-31"
-- 4: []int64 [262 9201]
-- 5: []int64 [201826]
-- 6: string "2010-01-01"
-- 7: string "2019-12-31"
-- 8: []int64 [262 9201]
