-- occurrences_3.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH include0 AS ( -- includes[0]
  SELECT person_id FROM (
    SELECT e.person_id, e.entry_date FROM "search_events" e
      WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
  ) GROUP BY person_id HAVING count(DISTINCT entry_date) >= ?::BIGINT
)
SELECT person_id FROM include0
-- args:
-- 1: []int64 [201826]
-- 2: int64 3
