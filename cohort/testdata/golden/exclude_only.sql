-- exclude_only.json, compiled by TestGolden (refresh: go test ./cohort -run TestGolden -update)
WITH persons AS ( -- dataFilters
  SELECT person_id FROM "search_person" WHERE has_ehr_data
),
exclude0 AS ( -- excludes[0]
  -- items[1]
  SELECT person_id FROM "search_person" WHERE gender_concept_id = ?::BIGINT
  UNION ALL
  -- items[0]
  SELECT e.person_id FROM "search_events" e
    WHERE e.concept_id IN (SELECT descendant_id FROM "concept_closure" WHERE ancestor_id IN (SELECT unnest(?::BIGINT[]))) AND e.is_standard
)
SELECT person_id FROM persons
EXCEPT
SELECT person_id FROM exclude0
-- args:
-- 1: int64 8507
-- 2: []int64 [1118084]
